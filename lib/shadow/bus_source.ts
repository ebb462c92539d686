// The shadow's bars from the market bus (BUS_URL set): one series' subject (the live loop's: every
// symbol of its venue and interval, lib/live/bus_bars.ts), read in stream order from a position the
// consumer derives from its own record — the bus sequence written with its last decision
// (shadow_events.ts `bus_seq`) — never from a server-side consumer position. Bars already in the stream
// when a subscription starts are history (prime when cold, else catch-up decisions); later ones are
// live. Redelivery is harmless: the runner decides by bar open time, once. A revision of a bar already
// decided (`:r<n>`, a repair) is counted as `corrected` (or `duplicate`) and never decided again; when it
// is the newest bar its values re-prime the next decision's memory, as over SSE. A message that is not
// a bar is counted as invalid and read past, never fatal.
//
// "Feed before bot" on the bus: the bus carries no feed heartbeat, so a bar each interval is the only
// sign of life; the runner is built with busStaleAfterMs (no bar for staleAfter + one interval = stale,
// feed not ok, the subscription is dropped and made again from the last sequence applied).
import { backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";
import { type BadBusMessage, type BarFilter, type BusBar, type MarketBus } from "../bus/market_bus.ts";
import type { Logger } from "../log.ts";
import { type Interval, INTERVALS } from "../market/types.ts";
import type { BarSource, BusBarSink } from "./bar_source.ts";
import type { SeriesKey } from "./feed_schema.ts";
import type { Resume } from "./shadow_events.ts";

export interface BusSourceOptions {
  /** The bars read; no symbol: every symbol of the venue and interval (the live loop's). */
  readonly series: Omit<SeriesKey, "symbol"> & { readonly symbol?: string };
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly random?: () => number;
}

/** The stale threshold on the bus: the configured one plus one bar interval (bars are its heartbeat). */
export function busStaleAfterMs(staleAfterMs: number, interval: Interval): number {
  return staleAfterMs + INTERVALS[interval];
}

/**
 * The first sequence to read: after the last decided bar's sequence; from 1 when the last decision
 * carries none (it was made over SSE: everything retained is read, bars up to it are skipped as
 * resends); cold, from the series' newest retained bar (priming needs only the last one).
 */
export function startSeq(resume: Resume | null, newestSeq: number): number {
  if (resume === null) return Math.max(1, newestSeq);
  return resume.busSeq === undefined ? 1 : resume.busSeq + 1;
}

export class BusBarSource implements BarSource {
  reconnects = 0;
  /** Next sequence to read; null until the first subscription fixes it. */
  #next: number | null = null;
  #conn: AbortController | null = null;
  #opened = false;
  readonly #filter: BarFilter;

  constructor(
    private readonly bus: Pick<MarketBus, "subscribeBars" | "lastBarSeq">,
    private readonly runner: BusBarSink,
    private readonly resume: Resume | null,
    private readonly o: BusSourceOptions,
    private readonly log: Logger,
  ) {
    this.#filter = { venue: o.series.venue, symbol: o.series.symbol, interval: o.series.interval };
    if (resume?.busSeq !== undefined) this.#next = resume.busSeq + 1;
  }

  /** Stream sequences between the series' newest bar and the last one applied (0 = caught up). */
  async lag(): Promise<number> {
    const newest = await this.bus.lastBarSeq(this.#filter);
    return Math.max(0, newest - ((this.#next ?? 1) - 1));
  }

  restart(): void {
    this.#conn?.abort(new Error("restart"));
  }

  async run(signal: AbortSignal): Promise<void> {
    const rand = this.o.random ?? Math.random;
    const backoff = { baseMs: this.o.backoffBaseMs, maxMs: this.o.backoffMaxMs, jitter: "equal" } as const;
    let attempt = 0, failures = 0;
    for (let first = true; !signal.aborted; first = false) {
      if (!first) this.runner.reconnects = ++this.reconnects;
      const conn = this.#conn = new AbortController();
      const onStop = () => conn.abort(new Error("stop"));
      signal.addEventListener("abort", onStop, { once: true });
      let reason = "ended";
      this.#opened = false;
      try {
        await this.#subscribeOnce(conn.signal);
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      } finally {
        signal.removeEventListener("abort", onStop);
        this.#conn = null;
      }
      if (signal.aborted) return;
      this.runner.streamClosed();
      if (this.#opened) attempt = failures = 0;
      // One line per outage, then at attempts 2, 4, 8, ...: a long outage must not flood the log.
      if ((++failures & (failures - 1)) === 0) {
        this.log("warn", "bus subscription closed; no decisions until it is back", {
          reason: conn.signal.aborted ? "restart" : reason,
          failures,
        });
      }
      await sleep(backoffDelayMs(attempt++, backoff, rand), signal);
    }
  }

  /** One subscription, until it ends or is aborted. Throws on a failed attempt. */
  async #subscribeOnce(signal: AbortSignal): Promise<void> {
    // Everything up to the newest bar retained now is history; what comes after is live.
    const newest = await this.bus.lastBarSeq(this.#filter);
    this.#next ??= startSeq(this.resume, newest);
    this.runner.streamOpened();
    this.#opened = true;
    this.log("info", "bus subscription open", { from_seq: this.#next, history_to_seq: newest });
    // A message that is no bar is skipped by the bus and reported here: counted, and read on after it.
    const onBadMessage = (m: BadBusMessage) => {
      this.#next = m.seq + 1;
      this.runner.invalidInput();
      this.log("warn", "invalid bar message on the bus", { seq: m.seq, error: m.error });
    };
    const bars = this.bus.subscribeBars({ fromSeq: this.#next, filter: this.#filter, signal, onBadMessage });
    for await (const m of bars) await this.#apply(m, newest);
  }

  #apply(m: BusBar, historyTo: number): void | Promise<void> {
    this.#next = m.seq + 1;
    const k = this.o.series, b = m.bar;
    // Without a symbol in the filter, the subject's own symbol token is what the payload must say.
    const symbol = k.symbol ?? m.subject.split(".")[3];
    if (b.venue !== k.venue || b.symbol !== symbol || b.interval !== k.interval) {
      // A bar whose payload disagrees with its subject: a publisher bug, counted, never decided.
      this.runner.invalidInput();
      this.log("warn", "bus bar does not match its subject", { seq: m.seq, subject: m.subject });
      return;
    }
    return m.seq <= historyTo ? this.runner.history([b], m.seq) : this.runner.liveBar(b, m.seq);
  }
}
