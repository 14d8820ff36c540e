/** Shell quoting for the commands the homelab sends to the Proxmox host. Pure functions only. */

/** Quotes one word for POSIX sh: the result is always a single literal argument. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** Quotes a value as one single-quoted word, always: for values spliced into scripts that humans read. */
export const shellLiteral = (value: string | number): string => `'${String(value).replace(/'/g, `'\\''`)}'`;

/** Quotes every word and joins them into one command line. */
export const shellJoin = (words: readonly string[]): string => words.map(shellQuote).join(" ");
