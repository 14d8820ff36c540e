import { table } from "../components/shared/report";
import { checkPins, httpFetchJson, summarize, type CheckResult, type FetchJson } from "./pins/check";
import { collectPins, type Pin, type Upstream, type Verification } from "./pins/registry";

/**
 * `npm run pins`: every pinned outside version with where it is written, how the install verifies it,
 * and where upstream publishes releases. `--json` for machines; `--check` asks upstream (online) for
 * newer releases and exits non-zero only when a check itself failed.
 */

export function describeVerification(v: Verification): string {
  switch (v.kind) {
    case "checksum":
      return `${v.algorithm} ${v.value.slice(0, 12)}…`;
    case "fingerprint":
      return `key fingerprint ${v.value}`;
    case "debian-archive":
      return `Debian ${v.suite} archive (${v.packages.join(", ")})`;
    case "tls-only":
      return v.what;
  }
}

export function describeUpstream(u: Upstream): string {
  switch (u.kind) {
    case "github-releases":
      return `GitHub releases ${u.repo}`;
    case "docker-hub":
      return `Docker Hub ${u.repository}`;
    case "pypi":
      return `PyPI ${u.project}`;
    case "debian":
      return `Debian ${u.suite} source ${u.source}`;
    case "manual":
      return `by hand: ${u.where}`;
  }
}

export function renderPins(pins: readonly Pin[]): string[] {
  return table([["id", "version", "where", "verification", "upstream"], ...pins.map((p) => [p.id, p.version, `${p.file}:${p.line}`, describeVerification(p.verification), describeUpstream(p.upstream)])]);
}

export function renderCheck(results: readonly CheckResult[]): string[] {
  const counts = summarize(results);
  return [
    ...table([["id", "pinned", "status", "latest", "detail"], ...results.map((r) => [r.id, r.version, r.status, r.latest ?? "-", r.detail])]),
    "",
    `${results.length} pins: ${counts.current} current, ${counts.behind} behind, ${counts.unchecked} not checkable online, ${counts.error} errors`,
  ];
}

interface Options {
  readonly json: boolean;
  readonly check: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let json = false;
  let check = false;
  for (const arg of argv) {
    if (arg === "--json") json = true;
    else if (arg === "--check") check = true;
    else throw new Error(`unknown argument '${arg}' (use --json, --check)`);
  }
  return { json, check };
}

/** Runs the command; returns the exit code (1 only for errors: bad arguments or failed checks). */
export async function main(argv: readonly string[], fetchJson: FetchJson, write: (text: string) => void): Promise<number> {
  const options = parseArgs(argv);
  const pins = collectPins();
  if (!options.check) {
    write(options.json ? `${JSON.stringify({ pins }, null, 2)}\n` : `${renderPins(pins).join("\n")}\n`);
    return 0;
  }
  const results = await checkPins(pins, fetchJson);
  write(options.json ? `${JSON.stringify({ results, summary: summarize(results) }, null, 2)}\n` : `${renderCheck(results).join("\n")}\n`);
  return summarize(results).error > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), httpFetchJson(), (text) => process.stdout.write(text)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
