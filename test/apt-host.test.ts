import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { WAIT_FOR_BOOT } from "../components/lxc-service/push-files";
import { requireTool, run } from "./tools";

/** The first-boot wait's own `apt_host=` line, run by bash and GNU sed over sources in a scratch /etc/apt. */
function aptHost(t: Parameters<typeof requireTool>[0], sourcesList: string | undefined, listD: Record<string, string>): string | undefined {
  const bash = requireTool(t, "bash", "bash");
  if (!bash || !requireTool(t, "sed", "sed")) return undefined;
  const line = WAIT_FOR_BOOT.split("\n").find((l) => l.startsWith("apt_host="));
  assert.ok(line, "the wait reads the apt sources' host");
  const root = mkdtempSync(join(tmpdir(), "homelab-apt-"));
  try {
    mkdirSync(join(root, "sources.list.d"));
    if (sourcesList !== undefined) writeFileSync(join(root, "sources.list"), sourcesList);
    for (const [name, text] of Object.entries(listD)) writeFileSync(join(root, "sources.list.d", name), text);
    const script = `set -euo pipefail\n${line.replaceAll("/etc/apt", root)}\nprintf '%s' "$apt_host"\n`;
    const r = run(bash, ["-c", script]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const DEB822 = `Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

test("the apt host is read from a one-line source whose options hold a signed-by path", (t) => {
  const host = aptHost(t, "# deb http://commented.example.org/debian trixie main\ndeb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main\n", {});
  if (host !== undefined) assert.equal(host, "deb.debian.org");
});

test("the apt host is read from a one-line source without options and from deb-src with several", (t) => {
  const plain = aptHost(t, "deb http://ftp.de.debian.org/debian bookworm main\n", {});
  if (plain !== undefined) assert.equal(plain, "ftp.de.debian.org");
  const src = aptHost(t, "deb-src  [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ]  https://mirror.example.net:8443/debian trixie main\n", {});
  if (src !== undefined) assert.equal(src, "mirror.example.net", "the port is not part of the name getent resolves");
});

test("the apt host is read from a deb822 source and a commented URIs line is skipped", (t) => {
  const host = aptHost(t, undefined, { "debian.sources": `# URIs: http://commented.example.org/\n${DEB822}` });
  if (host !== undefined) assert.equal(host, "deb.debian.org");
});

test("with no source the host is empty, so the wait falls back to deb.debian.org", (t) => {
  const host = aptHost(t, undefined, {});
  if (host !== undefined) assert.equal(host, "");
  assert.ok(WAIT_FOR_BOOT.includes('getent hosts "${apt_host:-deb.debian.org}"'));
});
