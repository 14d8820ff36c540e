import type { Homelab, Problem } from "../model";
import { isB2BucketName } from "../names";

/** Backups: a valid bucket name and somewhere for vzdump to write. */
export function checkBackup(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const backup = model.backup;
  if (backup?.enabled && !isB2BucketName(backup.bucket)) {
    problems.push({ path: "homelab:backup.bucket", message: `'${backup.bucket}' must be a B2 bucket name: 6-63 letters, digits and hyphens, not starting with b2-` });
  }
  if (backup?.enabled && backup.vzdump.enabled && !model.tiers.raid.proxmoxStorage) {
    problems.push({ path: "homelab:storage.tiers.raid.proxmoxStorage", message: "vzdump needs a Proxmox storage on the RAID tier" });
  }

  return problems;
}
