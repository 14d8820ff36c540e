/**
 * Orders strings by UTF-16 code unit, as `<` does: the same on every machine, whatever its locale, so a
 * rendered file (and the hash that re-runs a recipe) never changes because `pulumi up` ran elsewhere.
 * `localeCompare` depends on the locale and ICU data of the machine.
 */
export const codePointOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
