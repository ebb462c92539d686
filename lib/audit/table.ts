// Plain-text tables for `./tp evidence`: columns padded to the widest cell, the last left ragged.

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const last = header.length - 1;
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  return all.map((r) =>
    r.map((cell, c) => (c < last ? (cell ?? "").padEnd(widths[c]) : cell ?? "")).join("  ").trimEnd()
  )
    .join("\n") + "\n";
}
