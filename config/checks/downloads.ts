import type { Homelab, Service } from "../model";

/**
 * Release files the recipes download themselves, outside any signed archive: the *arr tarballs
 * (`install.sha256`, read by config/install.ts) and VectorChord's package
 * (`homelab:postgres.vectorchordSha256`). Traefik has its own pinned table (checks/ingress.ts).
 */

/** A service whose recipe downloads its release and checks `install.sha256` when it is set. */
const takesSha256 = (s: Service): boolean => s.install.method === "binary" && s.role !== "traefik";

const usesVectorchord = (model: Homelab): boolean => model.services.some((s) => s.database?.extensions.includes("vchord") ?? false);

/** Plan warnings: each download that runs on TLS alone, and the key that would pin it. */
export function unverifiedDownloadWarnings(model: Homelab): string[] {
  const lines = model.services
    .filter((s) => takesSha256(s) && s.install.sha256 === undefined)
    .map((s) => `warning: ${s.name}: no checksum pinned for its ${s.install.version} release download (trusted on TLS alone); set ${s.configPath}.install.sha256 to the SHA-256 of the release tarball`);
  if (usesVectorchord(model) && model.postgres.vectorchordSha256 === undefined) {
    lines.push(
      `warning: postgres: no checksum pinned for VectorChord ${model.postgres.vectorchordVersion}'s release package (trusted on TLS alone); set homelab:postgres.vectorchordSha256 to the SHA-256 of postgresql-<major>-vchord_${model.postgres.vectorchordVersion}-1_amd64.deb for the server's major`,
    );
  }
  return lines;
}
