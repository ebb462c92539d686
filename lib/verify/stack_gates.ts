// Stack gates: the rest of the stack the proof starts (feed, strategy, live loop, Alertmanager, web), judged
// like the ai_live gates. PromQL gates reuse evaluateGate (empty = NO_DATA, never a pass); HTTP
// gates judge a GET. Every gate keeps its raw answer so the evidence shows what was seen.
import { errorText, type Fetch, instantQuery } from "../prom/client.ts";
import { evaluateGate, fmtNum, type GateResult, type GateSpec } from "./gates.ts";

export interface StackGateTargets {
  promUrl: string;
  alertmanagerUrl: string;
  webUrl: string;
  /** The feed's enabled venues: each must close bars and see trades. */
  venues: readonly string[];
  /** The live loop's base URL when the stack runs it (its gates are judged only then). */
  liveUrl?: string;
}

/** A judged gate plus the raw answer behind it (Prometheus JSON or the HTTP status line + body). */
export interface JudgedGate {
  result: GateResult;
  raw: string;
}

const first = (s: { value: number }[]) => s[0].value;
const positive = (key: string, promql: string): GateSpec => ({
  key,
  promql,
  want: ">0",
  measure: first,
  pass: (v) => v > 0,
});

/**
 * The live loop's PromQL gates: scraped, kill switch ACTIVE, startup reconciliation succeeded. Orders
 * and fills are not gated: whether RefStrat_01 crosses within a short run is chance.
 */
export function livePromGates(): GateSpec[] {
  return [
    { key: "live_loop_up", promql: 'up{job="live_loop"}', want: "=1", measure: first, pass: (v) => v === 1 },
    {
      key: "live_loop_kill_switch_active",
      promql: "max(live_loop_kill_switch_engaged)",
      want: "=0",
      measure: first,
      pass: (v) => v === 0,
    },
    positive("live_loop_reconciled", 'sum(live_loop_reconcile_total{outcome="succeeded"})'),
  ];
}

/** The PromQL stack gates, in the order the data flows: feed -> strategy (-> live loop). */
export function stackPromGates(venues: readonly string[], live = false): GateSpec[] {
  return [
    {
      key: "feed_up",
      promql: 'up{job="live_connector"}',
      want: "=1",
      measure: first,
      pass: (v) => v === 1,
    },
    ...venues.map((v) => positive(`feed_bars_closed_${v}`, `sum(feed_bars_total{venue="${v}"})`)),
    ...venues.map((v) => positive(`feed_trades_${v}`, `sum(feed_trades_total{venue="${v}"})`)),
    positive("strategy_bars_consumed", "sum(shadow_bars_consumed_total)"),
    positive("strategy_decisions", 'sum(peaktrade_ai_decisions_total{component="shadow_mvs"})'),
    ...(live ? livePromGates() : []),
  ];
}

/** One HTTP GET judged: PASS when 2xx and `bodyOk` accepts the body; the value is the status. */
export async function httpGate(
  key: string,
  url: string,
  bodyOk: (body: string) => boolean,
  f: Fetch = fetch,
): Promise<JudgedGate> {
  const base = { key, promql: `GET ${url}`, want: "HTTP 2xx" };
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    const raw = `HTTP ${res.status} ${res.statusText}\n${body.slice(0, 4000)}`;
    const ok = res.ok && bodyOk(body);
    const detail = res.ok && !ok ? "answered 2xx but not the expected body" : "";
    return { result: { ...base, status: ok ? "PASS" : "FAIL", value: res.status, detail }, raw };
  } catch (err) {
    const why = errorText(err);
    return {
      result: { ...base, status: "ERROR", value: null, detail: why },
      raw: `GET ${url} failed: ${why}\n`,
    };
  }
}

/** What each HTTP stack gate asks of a 2xx body (evidence check judges the stored answer with it too). */
export const HTTP_BODY_OK: Readonly<Record<string, (body: string) => boolean>> = {
  live_loop_ready: liveReady,
  alertmanager_ready: () => true,
  web_page: (b) => /<html/i.test(b),
};

/** The loop's /health as the runbook reads it: ready, reconciliation ok, kill switch ACTIVE. */
function liveReady(body: string): boolean {
  try {
    const h = JSON.parse(body);
    return h.status === "ready" && h.components?.reconciliation?.status === "ok" &&
      h.components?.risk_manager?.kill_switch === "ACTIVE";
  } catch {
    return false;
  }
}

/** Evaluates every stack gate once against what is running now. */
export async function evaluateStackGates(t: StackGateTargets, f: Fetch = fetch): Promise<JudgedGate[]> {
  const specs = stackPromGates(t.venues, t.liveUrl !== undefined);
  const prom = await Promise.all(specs.map((g) => instantQuery(t.promUrl, g.promql, f)));
  const out: JudgedGate[] = specs.map((g, i) => ({
    result: evaluateGate(g, prom[i]),
    raw: prom[i].raw || JSON.stringify({ error: prom[i].error }),
  }));
  if (t.liveUrl !== undefined) {
    out.push(await httpGate("live_loop_ready", `${t.liveUrl}/health`, HTTP_BODY_OK.live_loop_ready, f));
  }
  out.push(
    await httpGate("alertmanager_ready", `${t.alertmanagerUrl}/-/ready`, HTTP_BODY_OK.alertmanager_ready, f),
  );
  out.push(await httpGate("web_page", `${t.webUrl}/`, HTTP_BODY_OK.web_page, f));
  return out;
}

/** `STACK_GATES.tsv`: key, source (PromQL or GET), want, status, value, detail, raw answer file. */
export function renderStackGatesTsv(gates: readonly JudgedGate[]): string {
  const rows = ["key\tsource\twant\tstatus\tvalue\tdetail\traw"];
  for (const { result: r } of gates) {
    const value = r.value === null ? r.status : fmtNum(r.value);
    rows.push([r.key, r.promql, r.want, r.status, value, r.detail, rawFile(r.key)].join("\t"));
  }
  return rows.join("\n") + "\n";
}

/** Where a gate's raw answer is kept, relative to the evidence folder. */
export function rawFile(key: string): string {
  return `stack/gate_${key}.txt`;
}

/** Note lines: `  key  STATUS  (want W, got V; detail)`. */
export function stackGateLines(gates: readonly JudgedGate[]): string[] {
  return gates.map(({ result: r }) => {
    const got = r.value === null ? r.status : fmtNum(r.value);
    return `  ${r.key.padEnd(28)} ${r.status.padEnd(7)} (want ${r.want}, got ${got}${
      r.detail ? `; ${r.detail}` : ""
    })`;
  });
}
