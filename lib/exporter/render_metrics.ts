// The Prometheus text exposition (format 0.0.4), written from the exporter's own state at scrape time
// (an own "registry": nothing global, no per-line client-library calls). Metric names are public API:
// operators' PromQL depends on them. Series are sorted so output is deterministic (golden tests).
// Label values need no escaping: run_id/component/source match ID_PATTERN, reasons/kinds are fixed.
import { type ExporterState, LATENCY_BUCKETS_MS } from "./metrics_state.ts";
import { DROP_REASONS } from "./metrics_state.ts";
import type { TailSnapshot } from "./tailer.ts";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The exporter's own identity (its heartbeat series). */
export interface Identity {
  readonly runId: string;
  readonly component: string;
}

function head(out: string[], name: string, type: string, help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function sortedKeys<V>(m: Map<string, V>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Renders every series. Contains no wall-clock values, so --once output is reproducible. */
export function renderMetrics(state: ExporterState, tail: TailSnapshot, id: Identity): string {
  const out: string[] = [];
  head(out, "peaktrade_ai_live_heartbeat", "gauge", "1 while the AI live exporter runs (its own identity).");
  out.push(`peaktrade_ai_live_heartbeat{run_id="${id.runId}",component="${id.component}"} 1`);

  const runIds = sortedKeys(state.runs);
  const pairs: { labels: string; decisions: number; actions: number; heartbeats: number }[] = [];
  for (const r of runIds) {
    const run = state.runs.get(r)!;
    for (const c of sortedKeys(run.pairs)) {
      const p = run.pairs.get(c)!;
      pairs.push({ labels: `{run_id="${r}",component="${c}"}`, ...p });
    }
  }
  head(
    out,
    "peaktrade_ai_decisions_total",
    "counter",
    "Decision events read, by the event's run_id and component.",
  );
  for (const p of pairs) out.push(`peaktrade_ai_decisions_total${p.labels} ${p.decisions}`);
  head(
    out,
    "peaktrade_ai_actions_total",
    "counter",
    "Action events read, by the event's run_id and component.",
  );
  for (const p of pairs) out.push(`peaktrade_ai_actions_total${p.labels} ${p.actions}`);

  head(
    out,
    "peaktrade_ai_last_event_timestamp_seconds",
    "gauge",
    "Latest event time (the events' ts, not arrival) per source, in Unix seconds.",
  );
  for (const s of sortedKeys(state.sources)) {
    const cell = state.sources.get(s)!;
    if (cell.lastTsMs >= 0) {
      out.push(`peaktrade_ai_last_event_timestamp_seconds{source="${s}"} ${cell.lastTsMs / 1000}`);
    }
  }
  head(
    out,
    "peaktrade_ai_last_event_timestamp_seconds_by_run_id",
    "gauge",
    "Latest event time (the events' ts) per run_id, in Unix seconds.",
  );
  for (const r of runIds) {
    const cell = state.runs.get(r)!;
    if (cell.lastTsMs >= 0) {
      out.push(`peaktrade_ai_last_event_timestamp_seconds_by_run_id{run_id="${r}"} ${cell.lastTsMs / 1000}`);
    }
  }

  head(
    out,
    "peaktrade_ai_events_parse_errors_total",
    "counter",
    "Lines that are not JSON or not a JSON object.",
  );
  out.push(`peaktrade_ai_events_parse_errors_total ${state.parseErrors}`);
  head(
    out,
    "peaktrade_ai_events_dropped_total",
    "counter",
    "JSON events not counted, by reason (invalid, unknown_type, oversize, cardinality, truncated).",
  );
  for (const r of DROP_REASONS) {
    out.push(`peaktrade_ai_events_dropped_total{reason="${r}"} ${state.dropped[r]}`);
  }

  head(
    out,
    "peaktrade_ai_decision_latency_ms",
    "histogram",
    "Decision latency (the events' latency_ms), in ms.",
  );
  let cum = 0;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    cum += state.latencyCounts[i];
    out.push(`peaktrade_ai_decision_latency_ms_bucket{le="${LATENCY_BUCKETS_MS[i]}"} ${cum}`);
  }
  out.push(`peaktrade_ai_decision_latency_ms_bucket{le="+Inf"} ${state.latencyCount}`);
  out.push(`peaktrade_ai_decision_latency_ms_sum ${state.latencySum}`);
  out.push(`peaktrade_ai_decision_latency_ms_count ${state.latencyCount}`);

  let dec = 0, act = 0, hb = 0;
  for (const p of pairs) {
    dec += p.decisions;
    act += p.actions;
    hb += p.heartbeats;
  }
  const self = (name: string, type: string, help: string, lines: string[]) => {
    head(out, `peaktrade_ai_exporter_${name}`, type, help);
    for (const l of lines) out.push(`peaktrade_ai_exporter_${name}${l}`);
  };
  self("lines_total", "counter", "Complete lines read (= accepted + parse errors + dropped).", [
    ` ${state.lines}`,
  ]);
  self("events_accepted_total", "counter", "Valid events counted, by type.", [
    `{type="action"} ${act}`,
    `{type="decision"} ${dec}`,
    `{type="heartbeat"} ${hb}`,
  ]);
  self("bytes_read_total", "counter", "Bytes read from the events file(s).", [` ${tail.bytesRead}`]);
  self("file_rotations_total", "counter", "Rotations followed, by kind (rename, truncate).", [
    `{kind="rename"} ${tail.renames}`,
    `{kind="truncate"} ${tail.truncations}`,
  ]);
  self("poll_errors_total", "counter", "Tail polls that failed with an I/O error.", [` ${tail.pollErrors}`]);
  self("tail_lag_bytes", "gauge", "File size minus bytes read (what is still to be read).", [
    ` ${tail.lagBytes}`,
  ]);
  self("partial_line_bytes", "gauge", "Bytes of an unterminated last line waiting for its newline.", [
    ` ${tail.partialBytes}`,
  ]);
  self("caught_up", "gauge", "1 once the file has been read to its end since start (ready).", [
    ` ${tail.caughtUp ? 1 : 0}`,
  ]);
  self("file_present", "gauge", "1 when the events file exists at its path.", [
    ` ${tail.filePresent ? 1 : 0}`,
  ]);
  self("run_ids", "gauge", "Distinct run_ids tracked.", [` ${state.runs.size}`]);
  self("max_run_ids", "gauge", "Cap on distinct run_ids (and sources); past it events are dropped.", [
    ` ${state.maxRunIds}`,
  ]);
  return out.join("\n") + "\n";
}
