/** Quotes a value for bash as one single-quoted word, whatever it contains. */
export const shellQuote = (value: string | number): string => `'${String(value).replace(/'/g, `'\\''`)}'`;
