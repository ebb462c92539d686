// The exporter's counts as plain numbers and Maps: one line costs a few field increments, and the
// Prometheus text is produced from this state only at scrape time (lib/exporter/render_metrics.ts).
import type { EventType } from "../events/ai_event.ts";
import { type FastEvent, type Rejected, type RejectReason } from "./classify_line.ts";

/** Every `peaktrade_ai_events_dropped_total{reason}` series, pre-initialised at 0. */
export const DROP_REASONS = ["invalid", "unknown_type", "oversize", "cardinality", "truncated"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** `peaktrade_ai_decision_latency_ms` bucket bounds (ms). */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export const DEFAULT_MAX_RUN_IDS = 1000;
/** Components per run_id beyond this are dropped as `cardinality` (a run has a handful). */
export const MAX_COMPONENTS_PER_RUN = 16;

/** Counts for one (run_id, component) pair. */
export class PairCell {
  decisions = 0;
  actions = 0;
  heartbeats = 0;
  constructor(readonly runId: string, readonly component: string) {}
}

export class RunCell {
  lastTsMs = -1;
  readonly pairs = new Map<string, PairCell>();
  constructor(readonly runId: string) {}
}

export class SourceCell {
  lastTsMs = -1;
  constructor(readonly source: string) {}
}

export interface StateOptions {
  /** Distinct run_ids kept; an event with a new run_id past this is dropped (default 1000). Sources share the cap. */
  maxRunIds?: number;
}

export class ExporterState {
  readonly maxRunIds: number;
  readonly runs = new Map<string, RunCell>();
  readonly sources = new Map<string, SourceCell>();
  readonly dropped: Record<DropReason, number> = {
    invalid: 0,
    unknown_type: 0,
    oversize: 0,
    cardinality: 0,
    truncated: 0,
  };
  parseErrors = 0;
  /** Complete lines handled (accepted + parse errors + dropped): the conservation total. */
  lines = 0;
  accepted = 0;
  /** Non-cumulative bucket counts; the last slot is (5000, +Inf]. */
  readonly latencyCounts: number[] = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  latencySum = 0;
  latencyCount = 0;
  #lastPair: PairCell | undefined;
  #lastRun: RunCell | undefined;
  #lastSrc: SourceCell | undefined;

  constructor(opts: StateOptions = {}) {
    this.maxRunIds = opts.maxRunIds ?? DEFAULT_MAX_RUN_IDS;
  }

  /** Counts a rejected line under its metric. */
  reject(r: Rejected | RejectReason | "truncated"): void {
    const reason = typeof r === "string" ? r : r.reason;
    this.lines++;
    if (reason === "parse_error") this.parseErrors++;
    else this.dropped[reason]++;
  }

  /**
   * Counts one accepted event; `tsMs` is its time in epoch ms (from the classifier). `sameIds` may be
   * true only when the previous apply() had the same run_id, component and source (the classifier's
   * `sameIds`): the cached cells are then used without comparing strings again.
   */
  apply(ev: FastEvent, tsMs: number, sameIds = false): void {
    this.count(ev.type, ev.run_id, ev.component, ev.source, ev.latency_ms, tsMs, sameIds);
  }

  /** apply() with the event's fields as arguments (the byte path has no event object). */
  count(
    type: EventType,
    runId: string,
    comp: string,
    source: string,
    lat: number | undefined,
    tsMs: number,
    sameIds: boolean,
  ): void {
    this.lines++;
    let pair = this.#lastPair;
    let run = this.#lastRun!;
    let src = this.#lastSrc;
    if (sameIds && pair !== undefined && src !== undefined) {
      this.#count(type, lat, tsMs, pair, run, src);
      return;
    }
    // Caps are checked before anything is created, so a dropped event leaves no trace but its count.
    if (src === undefined || src.source !== source) {
      src = this.sources.get(source);
      if (src === undefined && this.sources.size >= this.maxRunIds) return this.#capped();
    }
    if (pair === undefined || pair.runId !== runId || pair.component !== comp) {
      const found = this.#pair(runId, comp);
      if (found === undefined) return this.#capped();
      pair = found;
      run = this.runs.get(runId)!;
    }
    if (src === undefined) {
      src = new SourceCell(source);
      this.sources.set(source, src);
    }
    this.#lastPair = pair;
    this.#lastRun = run;
    this.#lastSrc = src;
    this.#count(type, lat, tsMs, pair, run, src);
  }

  #capped(): void {
    this.#lastPair = this.#lastSrc = undefined; // a later sameIds hint must not reuse stale cells
    this.dropped.cardinality++;
  }

  #count(
    type: EventType,
    lat: number | undefined,
    tsMs: number,
    pair: PairCell,
    run: RunCell,
    src: SourceCell,
  ): void {
    this.accepted++;
    if (tsMs > run.lastTsMs) run.lastTsMs = tsMs;
    if (tsMs > src.lastTsMs) src.lastTsMs = tsMs;
    if (type === "decision") {
      pair.decisions++;
      if (lat !== undefined) this.#observe(lat);
    } else if (type === "action") pair.actions++;
    else pair.heartbeats++;
  }

  /** The pair cell, created (with its run) when the caps allow; undefined when a cap refuses it. */
  #pair(runId: string, comp: string): PairCell | undefined {
    let run = this.runs.get(runId);
    if (run === undefined) {
      if (this.runs.size >= this.maxRunIds) return undefined;
      run = new RunCell(runId);
      this.runs.set(runId, run);
    }
    let pair = run.pairs.get(comp);
    if (pair === undefined) {
      if (run.pairs.size >= MAX_COMPONENTS_PER_RUN) return undefined;
      pair = new PairCell(runId, comp);
      run.pairs.set(comp, pair);
    }
    return pair;
  }

  #observe(ms: number): void {
    const b = LATENCY_BUCKETS_MS;
    let i = 0;
    while (i < b.length && ms > b[i]) i++;
    this.latencyCounts[i]++;
    this.latencySum += ms;
    this.latencyCount++;
  }
}
