import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fetchSigningKey, type SigningKey } from "../components/shared/signing-key";
import { requireTool, run } from "./tools";

/** A fresh armored public key made by the real gpg, and its fingerprint. */
function makeKey(home: string, uid: string): { armored: string; fingerprint: string } {
  const env = { ...process.env, GNUPGHOME: home };
  const made = run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"], { env });
  assert.equal(made.status, 0, made.stderr);
  const listed = run("gpg", ["--with-colons", "--list-keys", uid], { env });
  const fingerprint = /^fpr:{9}([0-9A-F]{40}):/m.exec(listed.stdout)?.[1];
  assert.ok(fingerprint, listed.stdout);
  return { armored: run("gpg", ["--armor", "--export", uid], { env }).stdout, fingerprint };
}

test("a vendor key is installed only when gpg reads the pinned fingerprint in it, and a swapped one is replaced", (t) => {
  if (!requireTool(t, "gpg", "gnupg") || !requireTool(t, "curl", "curl")) return;
  const dir = mkdtempSync(join(tmpdir(), "signing-key-"));
  try {
    const home = join(dir, "gnupg");
    run("install", ["-d", "-m", "0700", home]);
    const vendor = makeKey(home, "Vendor Packaging <vendor@example.org>");
    const attacker = makeKey(home, "Someone Else <other@example.org>");
    const served = join(dir, "served.asc");
    const dest = join(dir, "keyrings", "vendor.asc");
    const key: SigningKey = { name: "vendor", url: `file://${served}`, fingerprint: vendor.fingerprint };
    // The check reads only the file it is given: an empty keyring of its own keeps the test's keys out.
    const apply = () => run("bash", ["-euo", "pipefail", "-c", fetchSigningKey(key, dest)], { env: { ...process.env, GNUPGHOME: join(dir, "empty") } });
    run("install", ["-d", "-m", "0700", join(dir, "empty")]);

    writeFileSync(served, attacker.armored);
    const refused = apply();
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`the vendor signing key from file://\\S+ does not have the pinned fingerprint ${vendor.fingerprint}`));
    assert.equal(existsSync(dest), false, "a key with another fingerprint is never installed");
    assert.equal(existsSync(`${dest}.tmp`), false);

    writeFileSync(served, vendor.armored);
    assert.equal(apply().status, 0);
    assert.equal(readFileSync(dest, "utf8"), vendor.armored);

    // In place and still the pinned key: kept, whatever the URL serves now.
    writeFileSync(served, attacker.armored);
    assert.equal(apply().status, 0);
    assert.equal(readFileSync(dest, "utf8"), vendor.armored);

    // A key in place that is not the pinned one (fetched before the pin, or swapped) is fetched again.
    writeFileSync(dest, attacker.armored);
    writeFileSync(served, vendor.armored);
    assert.equal(apply().status, 0);
    assert.equal(readFileSync(dest, "utf8"), vendor.armored);
  } finally {
    // Key generation started an agent for that home; it must not outlive the test.
    run("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: join(dir, "gnupg") } });
    rmSync(dir, { recursive: true, force: true });
  }
});
