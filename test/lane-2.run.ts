import { runLane } from "./lanes";

// Lane 2 of npm test (test/lanes.ts).
runLane(2);
