import type { RecordedResource } from "../src/mock-runtime";

/** The file the program's side of the benchmark writes and the floor replays, and what both print. */

/** What bench/worker.ts writes: the recorded registrations and what the mocks answered for them. */
export interface Recording {
  readonly resources: readonly FloorResource[];
  /** Mock outputs by `type::name`, only where they were not empty. */
  readonly outputs: Record<string, Record<string, unknown>>;
  readonly invokes: readonly { readonly token: string; readonly inputs: Record<string, unknown> }[];
}

/**
 * A recorded registration (a type-only import: erased at run time, so the floor loads nothing of the
 * program).
 */
export type FloorResource = RecordedResource;

/**
 * Prints the one JSON line the benchmark reads when the process exits: resources registered, CPU time
 * and peak memory of the whole process. At exit, so that work the SDK still finishes after the
 * program's last line (outstanding registrations, its exit hooks) is counted on both sides alike.
 */
export function reportAtExit(resources: number): void {
  process.on("exit", () => {
    const use = process.resourceUsage();
    process.stdout.write(`${JSON.stringify({ resources, cpuMs: (use.userCPUTime + use.systemCPUTime) / 1000, maxRssMiB: use.maxRSS / 1024 })}\n`);
  });
}
