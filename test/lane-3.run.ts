import { runLane } from "./lanes";

// Lane 3 of npm test (test/lanes.ts).
runLane(3);
