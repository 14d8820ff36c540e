/** Shell quoting for the commands the homelab sends to the Proxmox host. Pure functions only. */

/** Quotes one word for POSIX sh: the result is always a single literal argument. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** Quotes a value as one single-quoted word, always: for values spliced into scripts that humans read. */
export const shellLiteral = (value: string | number): string => `'${String(value).replace(/'/g, `'\\''`)}'`;

/**
 * Bash that fails unless `file` has the SHA-256 `sha256`, both shell words (`'ab12…'`, `"$tmp/x.deb"`);
 * sha256sum names the file and says FAILED when it does not.
 */
export const sha256Check = (sha256: string, file: string): string => `printf '%s  %s\\n' ${sha256} ${file} | sha256sum --check --strict --quiet`;

/** Quotes every word and joins them into one command line. */
export const shellJoin = (words: readonly string[]): string => words.map(shellQuote).join(" ");
