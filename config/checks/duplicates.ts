import type { Problem } from "../model";

/** Reports every value used by more than one owner: "<what> X is also used by <first owner>". */
export function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string | number | undefined,
  path: (item: T) => string,
  what: string,
): Problem[] {
  const first = new Map<string | number, T>();
  const problems: Problem[] = [];
  for (const item of items) {
    const value = key(item);
    if (value === undefined) continue;
    const seen = first.get(value);
    if (seen === undefined) first.set(value, item);
    else problems.push({ path: path(item), message: `${what} ${value} is also used by ${path(seen)}` });
  }
  return problems;
}
