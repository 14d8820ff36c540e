import { runLane } from "./lanes";

// Lane 0 of npm test (test/lanes.ts).
runLane(0);
