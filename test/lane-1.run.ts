import { runLane } from "./lanes";

// Lane 1 of npm test (test/lanes.ts).
runLane(1);
