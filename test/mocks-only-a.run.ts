import { runShare } from "./mocks-only";

// One of the two shared processes of the mocks-only tests (test/mocks-only.ts).
runShare(0, 2);
