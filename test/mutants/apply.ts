import type { Mutant } from "./mutants";

/** How often `needle` occurs in `haystack`, counting non-overlapping matches. */
export function occurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The file's text with the mutant applied, or why it cannot be applied (the mutant is then stale). */
export function applyMutant(text: string, m: Pick<Mutant, "from" | "to">): { text: string } | { stale: string } {
  if (m.from === m.to) return { stale: "from and to are the same text" };
  const n = occurrences(text, m.from);
  if (n !== 1) return { stale: `its from text occurs ${n} times, not once` };
  const at = text.indexOf(m.from);
  return { text: text.slice(0, at) + m.to + text.slice(at + m.from.length) };
}
