/** Plain-text tables with aligned columns, for report `toString()`s. */

/** Renders rows under a header; numeric-looking cells are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = /^[-−+]?(\d|Inf|NaN)/;
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (numeric.test(cell) && c > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
