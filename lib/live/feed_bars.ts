// The loop's feed input: the feed's closed bars over SSE (/stream/bars, the shadow strategy's stream
// client), each bar of a traded symbol handed to the loop (the collar's reference, the mark for equity
// and drawdown), and the gate "feed before bot" as /health's dependency:feed. Bad input is counted and
// logged, never fatal; the stream reconnects with backoff until stopped.
import type { Logger } from "../log.ts";
import { type ClosedBar, type Interval, INTERVALS, type Venue } from "../market/types.ts";
import { FeedStream } from "../shadow/feed_stream.ts";
import { parseClosedBar, parseFeedHeartbeat } from "../shadow/feed_schema.ts";
import type { FeedView } from "./health.ts";

const ATOMS = 1e8;

export interface FeedBarsOptions {
  /** Feed base URL, e.g. http://127.0.0.1:8000. */
  readonly feedUrl: string;
  readonly venue: Venue;
  readonly interval: Interval;
  /** Feed symbol (BTC-USDT) -> the loop's (BTCUSDT). */
  readonly symbols: Readonly<Record<string, string>>;
  /** Connected but no bar or heartbeat for this long: stale, the feed is not ok. */
  readonly staleAfterMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Local wall clock (ms), for ages. */
  readonly now: () => number;
}

export interface LoopBar {
  readonly symbol: string;
  /** Quote atoms (1e-8). */
  readonly close: number;
  readonly closeTimeMs: number;
}

export class FeedBars {
  connected = false;
  feedOk = true;
  lastSeenMs: number | null = null;
  lastBarMs: number | null = null;
  lastError: string | null = "not connected yet";
  badInput = 0;
  readonly #stream: FeedStream;
  /** Bars are handed on one at a time, in arrival order (the strategy decides them in order). */
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: FeedBarsOptions,
    /** Each traded bar: the loop's view of it, and the feed's bar (the strategy's features). */
    onBar: (b: LoopBar, bar: ClosedBar) => Promise<void>,
    log: Logger,
  ) {
    const url = new URL("/stream/bars", o.feedUrl);
    url.searchParams.set("venue", o.venue);
    url.searchParams.set("interval", o.interval);
    const bad = (what: string, error: string) => {
      this.badInput++;
      log("warn", "live_loop.bad_feed_input", { what, error });
    };
    this.#stream = new FeedStream(
      { url: url.href, backoffBaseMs: o.backoffBaseMs, backoffMaxMs: o.backoffMaxMs },
      {
        onOpen: () => {
          this.connected = true;
          this.lastSeenMs = o.now();
          this.lastError = null;
        },
        onClose: (reason) => {
          this.connected = false;
          this.lastError = reason;
        },
        onEvent: (ev) => {
          let raw: unknown;
          try {
            raw = JSON.parse(ev.data);
          } catch {
            return bad(ev.event, "not JSON");
          }
          this.lastSeenMs = o.now();
          if (ev.event === "heartbeat") {
            const hb = parseFeedHeartbeat(raw);
            if (hb.ok) this.feedOk = hb.value.feedOk;
            else bad("heartbeat", hb.error);
            return;
          }
          if (ev.event !== "bar") return;
          const r = parseClosedBar(raw);
          if (!r.ok) return bad("bar", r.error);
          const bar = r.value;
          const loopBar = loopBarOf(bar, o);
          if (loopBar === null) return;
          this.lastBarMs = this.lastSeenMs;
          const symbol = loopBar.symbol;
          this.#chain = this.#chain.then(() => onBar(loopBar, bar))
            .catch((err) => log("error", "live_loop.bar_failed", { symbol, error: String(err) }));
        },
      },
    );
  }

  /** Connects and reconnects until `signal` aborts, then lets the bars handed on finish. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    await this.#stream.run(signal);
    await this.#chain;
  }

  /** The gate as /health reads it: connected, not silent past staleAfterMs, the feed's own word ok. */
  view(): FeedView {
    return feedGateView(this, this.o.now(), this.o.staleAfterMs);
  }
}

/** What the gate is judged from (FeedBars over SSE, BusBars over the market bus). */
export interface FeedGateState {
  readonly connected: boolean;
  readonly feedOk: boolean;
  /** Local ms of the last sign of life (an event, a bar); null before any. */
  readonly lastSeenMs: number | null;
  /** Local ms of the last bar of a traded symbol; null before any. */
  readonly lastBarMs: number | null;
  readonly lastError: string | null;
}

/** Feed before bot: ok only when connected, not silent past `staleAfterMs` and the feed's own word ok. */
export function feedGateView(s: FeedGateState, now: number, staleAfterMs: number): FeedView {
  const silentMs = s.lastSeenMs === null ? null : now - s.lastSeenMs;
  const error = !s.connected
    ? s.lastError ?? "disconnected"
    : silentMs !== null && silentMs > staleAfterMs
    ? `stale: nothing for ${(silentMs / 1000).toFixed(0)} s`
    : !s.feedOk
    ? "the feed says feedOk: false"
    : null;
  return { ok: error === null, error, lastBarAgeMs: s.lastBarMs === null ? null : now - s.lastBarMs };
}

/** The loop's view of a bar of a traded symbol at the loop's interval; null for any other bar. */
export function loopBarOf(bar: ClosedBar, o: Pick<FeedBarsOptions, "symbols" | "interval">): LoopBar | null {
  const symbol = o.symbols[bar.symbol];
  if (symbol === undefined || bar.interval !== o.interval) return null;
  return { symbol, close: Math.round(bar.c * ATOMS), closeTimeMs: bar.openTimeMs + INTERVALS[o.interval] };
}
