// activity demo: emit events for a fresh run id, wait until Prometheus shows them, snapshot the proof.
// The events carry the marked source DEMO_SOURCE, which freshness checks ignore, so the lines left in
// the events file never age into AiHeartbeatStale or a failed on-call check. Nothing is appended
// unless Prometheus and the exporter both answer first.
import { dirname } from "node:path";
import { type AiEvent, eventLine, makeEvent } from "../events/ai_event.ts";
import { DEMO_SOURCE } from "../events/demo_source.ts";
import type { GateRecord } from "../evidence/gate_record.ts";
import { type EvidenceHandle, type Judged, withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { appendJsonl } from "../fs/jsonl_append.ts";
import { errorText, type Fetch, instantQuery, type QueryOutcome } from "../prom/client.ts";
import { fetchText } from "./ops_verify.ts";
import { fmtNum } from "./gates.ts";
import { type Clock, pollUntil, realClock } from "../async/poll.ts";

export interface ActivityDemoOptions extends ProofRunOptions {
  promUrl: string;
  exporterUrl: string;
  /** The file the running exporter tails. */
  eventsFile: string;
  runId: string;
  /** Events to emit (decisions, with an action every fourth). */
  n: number;
  waitMs: number;
  clock?: Clock;
  fetch?: Fetch;
  /** Cuts waits short (SIGINT/SIGTERM); the evidence is still written. */
  signal?: AbortSignal;
}

export interface ActivityDemoResult {
  verdict: "PASS" | "FAIL";
  dir: string;
  decisionsEmitted: number;
  decisionsSeen: number | null;
  /** What did not answer before anything was written ("prometheus <url>: <error>"); empty when all did. */
  unreachable: string[];
  summaryText: string;
}

/** The demo's events: decisions with latency, an action after every third decision. Pure. */
export function demoEvents(runId: string, n: number, startMs: number): AiEvent[] {
  const out: AiEvent[] = [];
  for (let i = 0; i < n; i++) {
    const isAction = i % 4 === 3;
    out.push(makeEvent({
      ts: new Date(startMs + i).toISOString(),
      type: isAction ? "action" : "decision",
      run_id: runId,
      component: "activity_demo",
      source: DEMO_SOURCE,
      symbol: "BTC-USDT",
      ...(isAction ? { action: "open_long" } : { decision: "hold", latency_ms: 5 + (i % 7) * 10 }),
    }));
  }
  return out;
}

/** Appends whole lines, one write each, in append mode (lib/fs): concurrent writers never interleave. */
export async function appendEvents(file: string, events: AiEvent[]): Promise<void> {
  await Deno.mkdir(dirname(file), { recursive: true });
  await appendJsonl(file, events);
}

export async function runActivityDemo(opts: ActivityDemoOptions): Promise<ActivityDemoResult> {
  const clock = opts.clock ?? realClock;
  const run = proofRun(opts, "activity-demo", { now: clock.now });
  const sealed = await withEvidence("ai_live_activity_demo", run, async (ev, started) => {
    const unreachable = await unreachableParts(opts.promUrl, opts.exporterUrl, opts.fetch ?? fetch);
    return unreachable.length > 0 ? judgeUnreachable(opts, unreachable) : await demo(ev, opts, started);
  });
  return { ...sealed.value, verdict: sealed.verdict, dir: sealed.dir, summaryText: sealed.summaryText };
}

type Counts = Pick<ActivityDemoResult, "decisionsEmitted" | "decisionsSeen" | "unreachable">;

/** Emits the events, waits for Prometheus to count them all, snapshots what it shows. */
async function demo(ev: EvidenceHandle, opts: ActivityDemoOptions, started: number): Promise<Judged<Counts>> {
  const clock = opts.clock ?? realClock;
  const f = opts.fetch ?? fetch;
  const events = demoEvents(opts.runId, opts.n, started);
  const decisionsEmitted = events.filter((e) => e.type === "decision").length;
  await appendEvents(opts.eventsFile, events);
  await ev.write("events_emitted.jsonl", events.map(eventLine).join(""));
  const sel = `{run_id="${opts.runId}"}`;
  const queries = {
    decisions_for_run: `sum(peaktrade_ai_decisions_total${sel})`,
    actions_for_run: `sum(peaktrade_ai_actions_total${sel})`,
    last_event_ts_for_run: `peaktrade_ai_last_event_timestamp_seconds_by_run_id${sel}`,
    decisions_total: "sum(peaktrade_ai_decisions_total)",
  };
  let last: Record<string, QueryOutcome> = {};
  const snapshot = async () => {
    const entries = await Promise.all(
      Object.entries(queries).map(async ([k, q]) => [k, await instantQuery(opts.promUrl, q, f)] as const),
    );
    last = Object.fromEntries(entries);
    return last;
  };
  const seen = (s: Record<string, QueryOutcome>) => s.decisions_for_run.samples[0]?.value ?? null;
  const done = await pollUntil(
    async () => {
      const s = await snapshot();
      return seen(s) === decisionsEmitted && s.last_event_ts_for_run.samples.length > 0 ? true : undefined;
    },
    opts.waitMs,
    500,
    clock,
    opts.signal,
  );
  const waitedMs = clock.now() - started;
  for (const [k, o] of Object.entries(last)) {
    await ev.write(`prom/${k}.json`, o.raw || JSON.stringify({ error: o.error }));
  }
  await ev.write("exporter_metrics.txt", await fetchText(`${opts.exporterUrl}/metrics`, f));
  const decisionsSeen = seen(last);
  const verdict = done ? "PASS" : "FAIL";
  const summary: Record<string, string> = {
    run_id: opts.runId,
    events_file: opts.eventsFile,
    events_emitted: String(events.length),
    decisions_emitted: String(decisionsEmitted),
    decisions_seen_in_prometheus: decisionsSeen === null ? "NO_DATA" : fmtNum(decisionsSeen),
    ...(last.decisions_for_run?.ok === false
      ? { prometheus_error: last.decisions_for_run.error ?? "query failed" }
      : {}),
    run_scoped_last_event_series: String(last.last_event_ts_for_run?.samples.length ?? 0),
    waited_ms: String(waitedMs),
    verdict,
  };
  return {
    verdict,
    summary: summaryFile(summary),
    summaryJson: { ...summary, queries },
    gates: activityGates(decisionsEmitted, decisionsSeen, last.last_event_ts_for_run?.samples.length ?? 0),
    config: runConfig(opts),
    value: { decisionsEmitted, decisionsSeen, unreachable: [] },
  };
}

/** "prometheus <url>: <error>" / "exporter <url>: <error>" for each that does not answer now. */
export async function unreachableParts(promUrl: string, exporterUrl: string, f: Fetch): Promise<string[]> {
  const [prom, exporter] = await Promise.all([
    instantQuery(promUrl, "vector(1)", f),
    f(`${exporterUrl}/health`, { signal: AbortSignal.timeout(3000) }).then(
      async (res) => {
        await res.body?.cancel();
        return res.ok ? null : `HTTP ${res.status}`;
      },
      (err) => errorText(err),
    ),
  ]);
  const out: string[] = [];
  if (!prom.ok) out.push(`prometheus ${promUrl}: ${prom.error}`);
  if (exporter !== null) out.push(`exporter ${exporterUrl}: ${exporter}`);
  return out;
}

/** The FAIL proof when Prometheus or the exporter does not answer: written at once, no events emitted. */
function judgeUnreachable(opts: ActivityDemoOptions, unreachable: string[]): Judged<Counts> {
  const summary: Record<string, string> = {
    run_id: opts.runId,
    events_file: opts.eventsFile,
    events_emitted: "0",
    decisions_emitted: "0",
    decisions_seen_in_prometheus: "NO_DATA",
    unreachable: unreachable.join("; "),
    verdict: "FAIL",
  };
  return {
    verdict: "FAIL",
    summary: summaryFile(summary),
    summaryJson: summary,
    gates: activityGates(0, null, 0, unreachable.join("; ")),
    config: runConfig(opts),
    value: { decisionsEmitted: 0, decisionsSeen: null, unreachable },
  };
}

function summaryFile(summary: Record<string, string>) {
  const text = Object.entries(summary).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
  return { file: "ACTIVITY_DEMO_SUMMARY.txt", text };
}

function runConfig(opts: ActivityDemoOptions) {
  return {
    promUrl: opts.promUrl,
    exporterUrl: opts.exporterUrl,
    eventsFile: opts.eventsFile,
    runId: opts.runId,
    source: DEMO_SOURCE,
    n: opts.n,
    waitMs: opts.waitMs,
  };
}

/** The events file a running exporter tails, from its /health (`file`), if it says. */
export async function exporterEventsFile(exporterUrl: string, f: Fetch = fetch): Promise<string | null> {
  try {
    const res = await f(`${exporterUrl}/health`, { signal: AbortSignal.timeout(3000) });
    const body = await res.json() as Record<string, unknown>;
    return typeof body.file === "string" ? body.file : null;
  } catch {
    return null;
  }
}

/** The two values the demo is judged on, as gate rows (raw answers: prom/<query>.json). */
function activityGates(emitted: number, seen: number | null, series: number, unreachable = ""): GateRecord[] {
  return [
    {
      key: "decisions_seen_in_prometheus",
      promql: "sum(peaktrade_ai_decisions_total{run_id=...})",
      want: `=${emitted}`,
      status: unreachable ? "ERROR" : seen === null ? "NO_DATA" : seen === emitted ? "PASS" : "FAIL",
      value: seen,
      detail: unreachable,
    },
    {
      key: "run_scoped_last_event_series",
      promql: "peaktrade_ai_last_event_timestamp_seconds_by_run_id{run_id=...}",
      want: ">0",
      status: unreachable ? "ERROR" : series > 0 ? "PASS" : "FAIL",
      value: unreachable ? null : series,
      detail: unreachable,
    },
  ];
}
