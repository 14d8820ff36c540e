import type { BackupSource } from "./sources";

const BYTES_PER_GIB = 1024 ** 3;
/** B2 bills decimal terabytes. */
const BYTES_PER_TB = 1e12;

export interface CostEstimate {
  readonly gib: number;
  readonly tb: number;
  readonly usdPerMonth: number;
}

/**
 * Upper bound of the monthly B2 storage bill: every backed-up source full to its quota, stored once.
 * restic deduplicates and compresses, and the retention adds only what changed, so the real bill is
 * usually lower until the data grows into its quotas.
 */
export function estimateMonthlyCost(sources: readonly BackupSource[], pricePerTbMonthUsd: number): CostEstimate {
  const gib = sources.reduce((sum, s) => sum + s.quotaGiB, 0);
  const tb = (gib * BYTES_PER_GIB) / BYTES_PER_TB;
  return { gib, tb, usdPerMonth: Math.round(tb * pricePerTbMonthUsd * 100) / 100 };
}
