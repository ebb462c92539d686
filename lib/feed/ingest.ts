// The feed's per-frame core, shared by the live service, replay and the benchmark: mapped venue
// events -> BarPipeline, with the counters the pipeline's DqBook does not keep (accepted trades,
// replayed duplicates, invalid values by symbol) and the signals that a bar may have lost a trade
// (trade-id jumps, invalid frames, late trades) handed to the caller for a REST check.
import type { BarPipeline, EventVerdict, TradeStream } from "../bars/bar_pipeline.ts";
import type { SymbolCounters } from "../dq/dq_book.ts";
import type { MarketEvent, SymbolName, Trade, Venue } from "../market/types.ts";
import { toVenueSymbol } from "../venues/symbols.ts";

/** Per venue+symbol counters the feed renders next to the pipeline's DqBook. */
export interface StreamCounters {
  /** Trades that entered the bars (verdict bar_input). */
  trades: number;
  /** Duplicates among replayed (snapshot) trades: expected on resubscribe, not a data problem. */
  snapshotDuplicates: number;
  /** Frames dropped as invalid_value (NaN, Infinity, price <= 0, size <= 0) naming this symbol. */
  invalidValues: number;
  /** Venue time of the newest accepted trade (-Infinity before the first). */
  lastTradeMs: number;
  /** Feed-clock receive time of the newest accepted trade. */
  lastReceivedMs: number;
  /** The pipeline's DqBook counters of this stream (looked up once, not per trade). */
  readonly dq: SymbolCounters;
  /** The pipeline's stream, taken on this stream's first trade (when event() would create it). */
  stream: TradeStream | null;
}

export interface IngestHooks {
  /** A live (non-replayed) trade entered the bars: receive - venue time, feed-clock ms. */
  readonly latency?: (venue: Venue, symbol: SymbolName, ms: number) => void;
  /** A trade entered the bars (replayed ones included): the market bus publishes it. */
  readonly accepted?: (t: Trade) => void;
  /**
   * Trades of [fromMs, toMs] (venue time) may be missing from the bars of this stream (null symbol:
   * every symbol of the venue): the caller checks those bars against the venue's REST klines.
   */
  readonly suspect?: (venue: Venue, symbol: SymbolName | null, fromMs: number, toMs: number) => void;
}

/** Drop reasons that mean the venue sent a bad record (the pipeline counts them as invalid). */
const INVALID_REASONS: ReadonlySet<string> = new Set(["malformed_json", "invalid_value", "unexpected_shape"]);

const zero = (dq: SymbolCounters): StreamCounters => ({
  dq,
  trades: 0,
  snapshotDuplicates: 0,
  invalidValues: 0,
  lastTradeMs: Number.NEGATIVE_INFINITY,
  lastReceivedMs: Number.NEGATIVE_INFINITY,
  stream: null,
});

export class FeedIngest {
  readonly pipeline: BarPipeline;
  /** venue -> symbol -> counters (two lookups beat building a string key per trade). */
  readonly streams = new Map<Venue, Map<SymbolName, StreamCounters>>();
  readonly verdicts: Record<EventVerdict, number> = {
    bar_input: 0,
    kline: 0,
    invalid: 0,
    duplicate: 0,
    late: 0,
    ignored: 0,
  };
  private readonly hooks: IngestHooks;
  private readonly symbols: readonly SymbolName[];
  /** How far back (venue time) a lost frame may reach when only its receive time is known. */
  private readonly lookbackMs: number;

  constructor(
    pipeline: BarPipeline,
    opts: IngestHooks & { symbols?: readonly SymbolName[]; lookbackMs?: number } = {},
  ) {
    this.pipeline = pipeline;
    this.hooks = opts;
    this.symbols = opts.symbols ?? [];
    this.lookbackMs = opts.lookbackMs ?? 60_000;
  }

  counters(venue: Venue, symbol: SymbolName): StreamCounters {
    let m = this.streams.get(venue);
    if (!m) this.streams.set(venue, m = new Map());
    let c = m.get(symbol);
    if (!c) m.set(symbol, c = zero(this.pipeline.dq.symbol(venue, symbol)));
    return c;
  }

  /** Events of one data frame; `snapshot`: replayed on subscribe (dedup, no latency). */
  events(events: readonly MarketEvent[], snapshot: boolean): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.kind === "trade") this.trade(e, snapshot);
      else this.verdicts[this.pipeline.event(e)]++;
    }
  }

  /** One trade; returns the pipeline's verdict. The hot path: no allocation beyond the pipeline's. */
  trade(t: Trade, snapshot: boolean): EventVerdict {
    const pipeline = this.pipeline;
    const c = this.counters(t.venue, t.symbol);
    const dq = c.dq;
    const gapsBefore = dq.id_gaps;
    const v = pipeline.tradeOn(c.stream ??= pipeline.tradeStream(t.venue, t.symbol), t);
    this.verdicts[v]++;
    if (v === "bar_input") {
      c.trades++;
      this.hooks.accepted?.(t);
      if (dq.id_gaps !== gapsBefore && this.hooks.suspect) {
        // Ids jumped: the missing trades lie between the previous trade and this one.
        this.hooks.suspect(t.venue, t.symbol, Math.min(c.lastTradeMs, t.venueTimeMs), t.venueTimeMs);
      }
      if (t.venueTimeMs > c.lastTradeMs) c.lastTradeMs = t.venueTimeMs;
      c.lastReceivedMs = t.receivedAtMs;
      if (!snapshot && this.hooks.latency) {
        const ms = t.receivedAtMs - t.venueTimeMs;
        this.hooks.latency(t.venue, t.symbol, ms > 0 ? ms : 0);
      }
    } else if (v === "duplicate" && snapshot) {
      c.snapshotDuplicates++;
    } else if (v === "late") {
      // Its bar was already decided without it: that bar needs the venue's numbers.
      this.hooks.suspect?.(t.venue, t.symbol, t.venueTimeMs, t.venueTimeMs);
    }
    return v;
  }

  /** A frame the mapper dropped; `sample` is (the start of) its text. */
  dropped(venue: Venue, reason: string, sample: string, receivedAtMs: number): void {
    if (!INVALID_REASONS.has(reason)) return;
    this.pipeline.invalidFrame(venue);
    const symbol = symbolHint(venue, sample, this.symbols);
    if (reason === "invalid_value" && symbol !== null) this.counters(venue, symbol).invalidValues++;
    // The frame may have carried trades: bars around its receive time need a REST check.
    this.hooks.suspect?.(venue, symbol, receivedAtMs - this.lookbackMs, receivedAtMs);
  }

  /** Accepted trades and invalid values summed over every stream of a venue (or all venues). */
  total(field: "trades" | "invalidValues" | "snapshotDuplicates", venue?: Venue): number {
    let n = 0;
    for (const [v, m] of this.streams) {
      if (venue !== undefined && v !== venue) continue;
      for (const c of m.values()) n += c[field];
    }
    return n;
  }
}

/** The configured symbol a (possibly truncated) frame names, or null when none or several match. */
export function symbolHint(venue: Venue, text: string, symbols: readonly SymbolName[]): SymbolName | null {
  let found: SymbolName | null = null;
  for (const s of symbols) {
    const spellings = venue === "kraken"
      ? [toVenueSymbol(venue, s), toVenueSymbol(venue, s, { krakenV1: true })]
      : [toVenueSymbol(venue, s)];
    if (spellings.some((v) => text.includes(`"${v}"`) || text.includes(`.${v}"`))) {
      if (found !== null) return null;
      found = s;
    }
  }
  return found;
}
