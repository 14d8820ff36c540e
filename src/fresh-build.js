"use strict";
// The compiled program (src/build.ts), checked before it is loaded: when a source file it was built
// from has changed or gone since, it is rebuilt first, so no run ever uses a stale build. Plain
// JavaScript, because it runs before anything can compile TypeScript.
//   node src/fresh-build.js <entry> [args...]   runs build/<entry>.js with the args that follow
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = join(__dirname, "..");
const BUILD = join(ROOT, "build");
/** The build's record of what it was made from (src/build.ts writes it last). */
const MANIFEST = "manifest.json";

/** A source's fingerprint, by repository path: the build records it, this check compares it. */
function sourceHash(path) {
  return createHash("sha256").update(readFileSync(join(ROOT, path))).digest("hex");
}

/** The manifest's inputs whose file is gone or changed since the build; empty when the build is current. */
function staleInputs(manifest) {
  return Object.entries(manifest.inputs).filter(([path, hash]) => {
    try {
      return sourceHash(path) !== hash;
    } catch {
      return true;
    }
  }).map(([path]) => path);
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(join(BUILD, MANIFEST), "utf8"));
  } catch {
    return undefined;
  }
}

/** The path of build/<entry>.js, built afresh first unless the build matches the sources. */
function freshBundle(entry) {
  const manifest = readManifest();
  const stale = manifest === undefined ? [`build/${MANIFEST}`] : staleInputs(manifest);
  if (stale.length > 0) {
    const why = stale.length === 1 ? stale[0] : `${stale[0]} and ${stale.length - 1} more`;
    process.stderr.write(`building the program (${why} changed since the last build)\n`);
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "build.ts")], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    if (result.status !== 0) throw new Error("building the program failed; run `npm run build` to see why");
  }
  return join(BUILD, `${entry}.js`);
}

module.exports = { BUILD, MANIFEST, sourceHash, staleInputs, freshBundle };

if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) throw new Error("usage: node src/fresh-build.js <entry> [args...]");
  process.argv.splice(2, 1);
  require(freshBundle(entry));
}
