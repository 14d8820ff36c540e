import type { Homelab, Problem } from "../model";
import { defaultTier } from "../tiers";
import type { TierName } from "../schema";

export interface TierBudget {
  readonly tier: TierName;
  readonly capacityGiB: number;
  /** Dataset quotas on the tier. */
  readonly datasetsGiB: number;
  /** Container root disks (they live on the NVMe root storage). */
  readonly rootDisksGiB: number;
  readonly usedGiB: number;
  readonly headroomGiB: number;
}

export interface Budgets {
  readonly ram: { readonly hostMiB: number; readonly reservedMiB: number; readonly availableMiB: number; readonly containersMiB: number; readonly headroomMiB: number };
  readonly cores: { readonly host: number; readonly allocated: number; readonly largest: number };
  readonly tiers: readonly TierBudget[];
}

/** What the stack asks of the host, against what the host has. */
export function budgets(model: Homelab): Budgets {
  const containersMiB = model.services.reduce((sum, s) => sum + s.memoryMiB, 0);
  const availableMiB = model.proxmox.ramMiB - model.proxmox.reservedRamMiB;
  const rootDisks = model.services.reduce((sum, s) => sum + s.diskGiB, 0);
  // Root disks are counted on the default fast tier, where the root storage is on a typical host.
  const fast = defaultTier(model.tiers, "fast")?.name;
  const tiers = Object.values(model.tiers).map(({ name: tier, capacityGiB }): TierBudget => {
    const datasetsGiB = model.datasets.filter((d) => d.tier === tier).reduce((sum, d) => sum + d.quotaGiB, 0);
    const rootDisksGiB = tier === fast ? rootDisks : 0;
    const usedGiB = datasetsGiB + rootDisksGiB;
    return { tier, capacityGiB, datasetsGiB, rootDisksGiB, usedGiB, headroomGiB: capacityGiB - usedGiB };
  });
  return {
    ram: { hostMiB: model.proxmox.ramMiB, reservedMiB: model.proxmox.reservedRamMiB, availableMiB, containersMiB, headroomMiB: availableMiB - containersMiB },
    cores: {
      host: model.proxmox.cores,
      allocated: model.services.reduce((sum, s) => sum + s.cores, 0),
      largest: Math.max(0, ...model.services.map((s) => s.cores)),
    },
    tiers,
  };
}

/** The host's RAM, cores and tiers must hold what the stack file asks for. */
export function checkBudgets(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const b = budgets(model);
  if (b.ram.availableMiB <= 0) {
    problems.push({ path: "homelab:proxmox.reservedRamMiB", message: `${b.ram.reservedMiB} MiB reserve leaves nothing of ${b.ram.hostMiB} MiB for containers` });
  } else if (b.ram.headroomMiB < 0) {
    problems.push({
      path: "homelab:services",
      message: `containers ask for ${b.ram.containersMiB} MiB of memory but the host has ${b.ram.availableMiB} MiB (${b.ram.hostMiB} MiB RAM minus ${b.ram.reservedMiB} MiB reserved); over by ${-b.ram.headroomMiB} MiB`,
    });
  }
  for (const s of model.services) {
    if (s.cores > b.cores.host) problems.push({ path: `${s.configPath}.cores`, message: `${s.cores} cores is more than the host's ${b.cores.host}` });
  }
  for (const t of b.tiers) {
    if (t.headroomGiB < 0) {
      problems.push({
        path: `homelab:storage.tiers.${t.tier}.capacityGiB`,
        message: `datasets (${t.datasetsGiB} GiB)${t.rootDisksGiB ? ` and container root disks (${t.rootDisksGiB} GiB)` : ""} need ${t.usedGiB} GiB but the ${t.tier} tier has ${t.capacityGiB} GiB`,
      });
    }
  }
  return problems;
}
