// Which series and labels a PromQL expression names, and whether a catalog of real series (metric ->
// its label names) has them: so a panel, page column or check that names a series or label no
// component exports is caught by name, not by an empty graph. A lexical pass, enough for our own
// expressions (selectors, matchers, by/without/on/ignoring lists, functions, ranges); not a parser.

export interface ExprRefs {
  /** Metric names selected, sorted. */
  readonly metrics: readonly string[];
  /** Label names in matchers and grouping lists, sorted. */
  readonly labels: readonly string[];
  /** True when a selector picks metrics by `__name__` (a pattern no catalog can check). */
  readonly byName: boolean;
}

/** After these keywords a parenthesised list holds label names, not expressions. */
export const LABEL_LISTS: ReadonlySet<string> = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
]);
/** PromQL words that are neither metrics nor functions. */
export const PROMQL_KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "or",
  "unless",
  ...LABEL_LISTS,
  "offset",
  "bool",
  "inf",
  "nan",
]);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(["job", "instance"]);

export function exprRefs(expr: string): ExprRefs {
  const labels = new Set<string>();
  let byName = false;
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\b([A-Za-z_]+)\s*\(([^()]*)\)/g, (all, word, list) => {
    if (!LABEL_LISTS.has(String(word).toLowerCase())) return all;
    for (const l of String(list).split(",").map((x) => x.trim()).filter((x) => x)) labels.add(l);
    return " ";
  });
  s = s.replace(/\{([^}]*)\}/g, (_m, body) => {
    for (const m of String(body).matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (m[1] === "__name__") byName = true;
      else labels.add(m[1]);
    }
    return " ";
  });
  s = s.replace(/\[[^\]]*\]/g, " ");
  const metrics = new Set<string>();
  for (const m of s.matchAll(/(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    if (m[2] !== undefined || PROMQL_KEYWORDS.has(m[1].toLowerCase())) continue;
    metrics.add(m[1]);
  }
  return { metrics: [...metrics].sort(), labels: [...labels].sort(), byName };
}

/** Metric name -> label names it carries (from the real components' /metrics). */
export type SeriesCatalog = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Problems with `expr` against the catalog: a metric nobody exports, a label none of its metrics carry
 * (`job`/`instance` always exist; `le` on a `_bucket`), a `__name__` pattern; `extraLabels` are labels
 * the caller reads from the result (a legend's `{{venue}}`). Empty when everything is real.
 */
export function checkRefs(
  expr: string,
  catalog: SeriesCatalog,
  extraLabels: readonly string[] = [],
): string[] {
  const r = exprRefs(expr);
  const out: string[] = [];
  if (r.byName) out.push("selects by __name__ (name the metric)");
  for (const m of r.metrics) if (!catalog.has(m)) out.push(`no component exports ${m}`);
  const carried = new Set<string>(TARGET_LABELS);
  for (const m of r.metrics) for (const l of catalog.get(m) ?? []) carried.add(l);
  for (const l of new Set([...r.labels, ...extraLabels])) {
    if (!carried.has(l)) out.push(`label ${l} is on none of ${r.metrics.join(", ") || "(no metric)"}`);
  }
  return out;
}

/** A catalog from Prometheus text-format expositions (`# HELP`/`# TYPE` lines skipped). */
export function catalogFromExposition(...texts: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+\S+/.exec(line);
      if (!m) continue;
      const set = out.get(m[1]) ?? new Set<string>();
      for (const l of (m[2] ?? "").matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) set.add(l[1]);
      out.set(m[1], set);
    }
  }
  return out;
}
