/**
 * The plan report's primitives: each component contributes titled sections, rendered as aligned
 * tables. They sit here, below the components, so a component's report imports nothing above it.
 */

/** One titled block of the plan's text report; components contribute their own. */
export interface ReportSection {
  readonly title: string;
  readonly lines: readonly string[];
}

const pad = (text: string | number, width: number): string => String(text).padEnd(width);
const padLeft = (text: string | number, width: number): string => String(text).padStart(width);

/** Renders rows as aligned columns; the first row is the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map((row) => row.map((cell, i) => (typeof cell === "number" ? padLeft(cell, widths[i] ?? 0) : pad(cell, widths[i] ?? 0))).join("  ").trimEnd());
}
