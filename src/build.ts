import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { buildSync, transformSync } from "esbuild";
import { BUILD, MANIFEST, sourceHash } from "./fresh-build";

/**
 * The compiled program. `pulumi up` runs src/launch.js, which loads build/index.js once it knows the
 * bundle was built from the sources as they are now. Compiled ahead, the program's own modules load as
 * one plain JavaScript file: no TypeScript loader hooks on every require, and no source maps, so the
 * `new Error().stack` that @pulumi/pulumi takes for every promise and every resource is not mapped
 * back frame by frame (with tsx that mapping was about a fifth of a run). Stack positions point at
 * real lines of build/index.js, which keeps each module's name in a comment above its code.
 *
 * The Pulumi SDKs stay outside the bundle and load from node_modules as they are: the engine and the
 * SDK's own runtime state expect one copy of each, where npm put it. The local B2 SDK is TypeScript
 * (sdks/b2), so it is transpiled file by file, the way tsx does it, into build/node_modules/@pulumi/b2,
 * where Node's resolution finds it first from build/.
 *
 * zod, which validates every run, is bundled in (BUNDLED). Loaded from node_modules it was some 95
 * files, each found, read and compiled on its own, and its namespace brought all of its 60-odd message
 * locales; bundled and tree-shaken (zod is imported as `* as z`), only English and the parts the
 * program calls remain. yaml is not: the program reads YAML only for a stack file or a compose file
 * from the repository (config/yaml-library.ts loads it then), and its rendered files are written by
 * components/shared/yaml.ts, so most runs never load it.
 *   npm run build
 */

const ROOT = join(__dirname, "..");

/** Bundles the build makes: the Pulumi program, and the benchmark's two sides (bench/run.ts). */
export const ENTRIES = {
  index: "src/index.ts",
  "bench-worker": "bench/worker.ts",
  "bench-floor": "bench/floor.ts",
} as const;

const SDK_B2 = "sdks/b2";

/**
 * The oldest Node the compiled code must run on: package.json's `engines.node` floor (">=22", the
 * floor of @pulumi/pulumi itself), so the bundle never uses syntax a declared runtime lacks.
 */
export function nodeTarget(engines: string = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node): string {
  const floor = /^>=\s*(\d+)/.exec(engines)?.[1];
  if (floor === undefined) throw new Error(`package.json engines.node must start with ">=<major>", got "${engines}"`);
  return `node${floor}`;
}

/** Packages compiled into the bundle; every other dependency is loaded from node_modules at run time. */
export const BUNDLED: readonly string[] = ["zod"];

/** The dependencies the bundle leaves to node_modules, each with its subpaths (`@pulumi/pulumi/runtime/…`). */
function externalPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {})
    .filter((name) => !BUNDLED.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/**
 * The manifest's path for a file the build read. A bundled package is recorded by its package.json,
 * which npm rewrites with every version it installs, rather than file by file: the launcher checks the
 * manifest before every run, and a few hundred library files would be hashed each time.
 */
function manifestPath(input: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return pkg ? `node_modules/${pkg[1]}/package.json` : input;
}

/** What a build was made from: every source file it read, by repository path, with its sha256. */
export interface Manifest {
  readonly inputs: Readonly<Record<string, string>>;
}

/** Writes through a temporary file and a rename, so a process loading the build never reads half a file. */
function writeAtomically(path: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

/** Transpiles the B2 SDK into `<outDir>/node_modules/@pulumi/b2`, one CommonJS file per TypeScript file. */
function buildB2(outDir: string): string[] {
  const target = join(outDir, "node_modules", "@pulumi", "b2");
  const sources = filesUnder(SDK_B2, ".ts").filter((f) => !f.endsWith(".d.ts"));
  const node = nodeTarget();
  for (const source of sources) {
    const { code } = transformSync(readFileSync(join(ROOT, source), "utf8"), { loader: "ts", format: "cjs", platform: "node", target: node, sourcefile: source });
    writeAtomically(join(target, relative(SDK_B2, source).replace(/\.ts$/, ".js")), code);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, SDK_B2, "package.json"), "utf8")) as Record<string, unknown>;
  writeAtomically(join(target, "package.json"), `${JSON.stringify({ ...pkg, main: "index.js", types: undefined }, null, 4)}\n`);
  return [...sources, `${SDK_B2}/package.json`];
}

/** Builds every entry into `outDir` (default build/) and returns what it was built from. */
export function build(outDir: string = BUILD): Manifest {
  const read = new Set<string>(buildB2(outDir));
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ out, in: input })),
    outdir: outDir,
    bundle: true,
    platform: "node",
    target: nodeTarget(),
    format: "cjs",
    // The SDKs, the B2 SDK included, are loaded from node_modules at run time, as under tsx.
    external: externalPackages(),
    // Names are not pinned with __name(): a function or class keeps the name V8 gives it, and esbuild
    // renames only one whose name another bundled module uses too (a dozen, zod's `boolean2` and the
    // like), which a stack trace then shows. Pinning them ran a defineProperty for every closure the
    // program made: 55 M of the example plan's 9.5 G instructions (callgrind, node --predictable).
    keepNames: false,
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  for (const input of Object.keys(result.metafile.inputs)) read.add(manifestPath(input));
  const manifest: Manifest = { inputs: Object.fromEntries([...read].sort().map((path) => [path, sourceHash(path)])) };
  // Written last: a manifest that matches the sources means every file above is in place.
  writeAtomically(join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const outDir = process.argv[2] ? join(process.cwd(), process.argv[2]) : undefined;
  const manifest = build(outDir);
  process.stdout.write(`built ${Object.keys(ENTRIES).join(", ")} from ${Object.keys(manifest.inputs).length} source files\n`);
}
