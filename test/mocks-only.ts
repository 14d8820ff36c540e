import { join } from "node:path";

/**
 * The test files that need no real tool: they run the program under mocks or call pure functions.
 * `npm run test:quick` runs only these, in two shared processes (test/mocks-only-a.run.ts and
 * test/mocks-only-b.run.ts), so the SDKs load once per process and files that read the same plan share
 * its evaluation (test/harness.ts runProgram). `npm test` runs them with every other file in the lanes
 * of test/lanes.ts. test/proof-secret-argv.test.ts needs no real tool either, but parsing every script
 * of two plans takes some 20 s, so only `npm test` runs it.
 */
export const MOCKS_ONLY = [
  "test/acme.test.ts",
  "test/backup.test.ts",
  "test/bad-input.test.ts",
  "test/budget.test.ts",
  "test/cluster.test.ts",
  "test/config-edges.test.ts",
  "test/config.test.ts",
  "test/diagram.test.ts",
  "test/doc-links.test.ts",
  "test/firewall.test.ts",
  "test/ingress-config.test.ts",
  "test/ingress-traefik.test.ts",
  "test/ingress.test.ts",
  "test/lanes.test.ts",
  "test/messages.test.ts",
  "test/monitoring.test.ts",
  "test/mutants.test.ts",
  "test/path-prefix.test.ts",
  "test/program.test.ts",
  "test/proof-data.test.ts",
  "test/proof-drift.test.ts",
  "test/proof-secrets.test.ts",
  "test/stack-reference.test.ts",
  "test/unit-files.test.ts",
  "test/upgrades.test.ts",
  "test/yaml.test.ts",
  "policy/policies.test.ts",
] as const;

/** Loads every `of`-th listed file starting at `index`, in this process; their tests register here. */
export function runShare(index: number, of: number): void {
  MOCKS_ONLY.forEach((file, i) => {
    if (i % of === index) require(join(__dirname, "..", file));
  });
}

// `tsx test/mocks-only.ts` prints the list, for test/run.sh.
if (require.main === module) process.stdout.write(`${MOCKS_ONLY.join("\n")}\n`);
