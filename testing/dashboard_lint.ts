// Dashboard lint: counters only through rate/increase, a unit on every panel, the provisioned
// datasource everywhere. The PromQL scan is a small tokenizer, enough to find where each metric
// name sits; whether an expression parses at all is Prometheus's job (see testing/check_dashboards.ts).
import { LABEL_LISTS, PROMQL_KEYWORDS } from "./dashboard_expr_refs.ts";
import type { PanelInfo } from "./dashboard_panels.ts";

const COUNTER_SUFFIX = /_(total|count|sum|bucket)$/;
/** Functions that turn a counter's range into something meaningful. */
const COUNTER_FUNCS = new Set(["rate", "irate", "increase"]);
/** Metric names in `expr` that are counters used outside rate/irate/increase. */
export function rawCounters(expr: string): string[] {
  const bad: string[] = [];
  // Stack of enclosing parentheses: the function name before each "(" ("" for plain grouping).
  const stack: string[] = [];
  let i = 0;
  let prevWord = "";
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === "`") {
      const end = expr.indexOf(c, i + 1);
      i = end < 0 ? expr.length : end + 1;
      continue;
    }
    if (c === "{" || c === "[") {
      // Label matchers and range/subquery durations: skip to the closing bracket (strings inside
      // matchers hold no brackets in our dashboards; a stray one only ends the skip early).
      const close = c === "{" ? "}" : "]";
      const end = expr.indexOf(close, i + 1);
      i = end < 0 ? expr.length : end + 1;
      continue;
    }
    if (c === "(") {
      if (LABEL_LISTS.has(prevWord)) {
        const end = expr.indexOf(")", i + 1);
        i = end < 0 ? expr.length : end + 1;
        prevWord = "";
        continue;
      }
      stack.push(prevWord);
      prevWord = "";
      i++;
      continue;
    }
    if (c === ")") {
      stack.pop();
      prevWord = "";
      i++;
      continue;
    }
    const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i));
    if (m) {
      const word = m[0];
      i += word.length;
      const next = /^\s*(.)/.exec(expr.slice(i))?.[1];
      const isCall = next === "(" && !PROMQL_KEYWORDS.has(word.toLowerCase());
      if (!isCall && !PROMQL_KEYWORDS.has(word.toLowerCase()) && COUNTER_SUFFIX.test(word)) {
        const fn = stack.findLast((f) => f !== "");
        if (!fn || !COUNTER_FUNCS.has(fn)) bad.push(word);
      }
      prevWord = word.toLowerCase();
      continue;
    }
    if (!/\s/.test(c)) prevWord = "";
    i++;
  }
  return bad;
}

export interface LintProblem {
  readonly where: string;
  readonly problem: string;
}

/** Every lint problem of every panel (empty = clean). */
export function lintPanels(panels: readonly PanelInfo[], datasourceUid: string): LintProblem[] {
  const out: LintProblem[] = [];
  for (const p of panels) {
    const where = `${p.file} panel ${p.id} "${p.title}"`;
    if (!p.unit) out.push({ where, problem: "fieldConfig.defaults.unit is not set" });
    if (p.queries.length === 0) out.push({ where, problem: "no targets[].expr" });
    for (const q of p.queries) {
      if (q.datasourceUid !== datasourceUid) {
        out.push({
          where,
          problem: `target ${q.refId} uses datasource "${q.datasourceUid}", not "${datasourceUid}"`,
        });
      }
      for (const name of rawCounters(q.expr)) {
        out.push({ where, problem: `target ${q.refId}: counter ${name} used outside rate/irate/increase` });
      }
    }
  }
  return out;
}
