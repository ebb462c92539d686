// The shadow_mvs core: turns feed signals (stream open/close, feed heartbeats, history, live bars) into
// decisions, actions and heartbeats. Synchronous; the clock and the event sink are injected, so tests
// drive it (and the service around it) without sleeping. "Feed before bot": no decision unless the gate
// is open, and never twice for a bar (processed_bars.ts): a correction of a bar already processed (over
// the bus: a later revision) is counted and logged, never decided again.
import type { AiEventInput } from "../events/ai_event.ts";
import type { Logger } from "../log.ts";
import { type ClosedBar, INTERVALS } from "../market/types.ts";
import {
  type ActionKind,
  type Decision,
  INITIAL_STATE,
  prime,
  type RefStratParams,
  type RefStratState,
  step,
} from "../strategy/refstrat_01.ts";
import { totalPnl, unrealisedPnl } from "../strategy/shadow_book.ts";
import { feedGate, type GateReason } from "./feed_gate.ts";
import { ProcessedBars } from "./processed_bars.ts";
import type { FeedHeartbeat, SeriesKey } from "./feed_schema.ts";
import { actionEvent, decisionEvent, heartbeatEvent, type Identity, type Resume } from "./shadow_events.ts";
import { EVENT_KINDS, lastBarAgeSeconds, type ShadowStatus, type SkipReason } from "./shadow_metrics.ts";

export interface RunnerConfig {
  readonly id: Identity;
  readonly series: SeriesKey;
  readonly params: RefStratParams;
  readonly heartbeatEveryMs: number;
  /** No bar and no feed heartbeat for this long while connected = stale. */
  readonly staleAfterMs: number;
}

export interface EventSink {
  write(event: AiEventInput): unknown;
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export class ShadowRunner {
  #state: RefStratState;
  readonly #bars: ProcessedBars; // dedupe: the bars decided or primed
  #lastDecided: number | null;
  #cold: boolean; // until something was decided or restored: history then only primes, as warm-up
  #connected = false;
  #feedOkHb = true;
  /** The feed clock's speed (its heartbeat says; 1 until then): its bar times / speed = wall ms. */
  #feedSpeed = 1;
  #lastSeenMs: number;
  #lastBarMs: number | null = null;
  #lastHeartbeatMs: number;
  readonly #startedMs: number;
  #decisions = zeros<Decision>(["enter_long", "exit_long", "hold"]);
  #actions = zeros<ActionKind>(["open_long", "close_long"]);
  #skipped = zeros<SkipReason>(["duplicate", "invalid", "feed_not_ok", "corrected"]);
  #events = zeros(EVENT_KINDS);
  #consumed = 0;
  #primed = 0;
  #writeErrors = 0;
  reconnects = 0; // set by the service: connection attempts after the first

  constructor(
    readonly cfg: RunnerConfig,
    readonly sink: EventSink,
    readonly now: () => number,
    readonly log: Logger,
    resume: Resume | null,
  ) {
    this.#state = resume?.state ?? INITIAL_STATE;
    this.#lastDecided = resume?.lastDecidedOpenTimeMs ?? null;
    this.#bars = new ProcessedBars(this.#lastDecided);
    this.#cold = resume === null;
    this.#startedMs = this.#lastSeenMs = this.#lastHeartbeatMs = now();
  }

  get state(): RefStratState {
    return this.#state;
  }

  /** openTimeMs of the last bar decided or primed (the dedupe key); null before any. */
  get lastProcessedOpenTimeMs(): number | null {
    return this.#bars.last;
  }

  streamOpened(): void {
    this.#connected = true;
    this.#feedOkHb = true; // unknown until the feed's first heartbeat says otherwise
    this.#lastSeenMs = this.now();
  }

  streamClosed(): void {
    this.#connected = false;
  }

  feedHeartbeat(hb: FeedHeartbeat): void {
    this.#lastSeenMs = this.now();
    this.#feedOkHb = hb.feedOk;
    this.#feedSpeed = hb.speed ?? this.#feedSpeed;
  }

  /** Any other valid traffic (e.g. another series' bar) proves the stream alive. */
  touch(): void {
    this.#lastSeenMs = this.now();
  }

  /** A bar or heartbeat failed validation: counted, never fatal; it still proves the stream is alive. */
  invalidInput(): void {
    this.#lastSeenMs = this.now();
    this.#skipped.invalid++;
  }

  gate(): { ok: boolean; reason: GateReason } {
    const view = { connected: this.#connected, lastSeenMs: this.#lastSeenMs, feedOk: this.#feedOkHb };
    return feedGate(view, this.now(), this.cfg.staleAfterMs);
  }

  /**
   * History (oldest first: /api/bars, or bus messages retained before we subscribed): primes when
   * cold, else decides what is new as catch-up. `busSeq`: the bus sequence of a single bar.
   */
  history(bars: readonly ClosedBar[], busSeq?: number): void {
    for (const bar of bars) {
      this.#consumed++;
      if (this.#isDuplicate(bar)) continue;
      if (this.#cold) {
        this.#state = prime(this.#state, { close: bar.c, ...featuresOf(bar) });
        this.#bars.add(bar);
        this.#primed++;
      } else this.#decide(bar, null, busSeq);
    }
  }

  /** A live bar of our series (already validated); `busSeq` is written with its decision. */
  liveBar(bar: ClosedBar, busSeq?: number): void {
    const receivedMs = this.now();
    this.#lastSeenMs = this.#lastBarMs = receivedMs;
    this.#consumed++;
    if (this.#isDuplicate(bar)) return;
    if (!this.gate().ok) {
      this.#skipped.feed_not_ok++;
      return;
    }
    this.#decide(bar, receivedMs, busSeq);
  }

  /**
   * Periodic work: a heartbeat event when one is due. Returns true when the open stream has gone
   * stale, so the caller can drop and reconnect it.
   */
  tick(): boolean {
    const nowMs = this.now();
    const g = this.gate();
    if (nowMs - this.#lastHeartbeatMs >= this.cfg.heartbeatEveryMs) {
      this.#lastHeartbeatMs = nowMs;
      this.#emit(heartbeatEvent(this.cfg.id, this.cfg.series, this.#state, {
        nowMs,
        feedOk: g.ok,
        connected: this.#connected,
        reason: g.reason,
        lastBarOpenTimeMs: this.#bars.last,
        lastBarAgeS: lastBarAgeSeconds(this.status(), nowMs),
        decisions: this.#decisions.enter_long + this.#decisions.exit_long + this.#decisions.hold,
      }));
    }
    return g.reason === "stale";
  }

  /**
   * True for a bar already processed: a resend (duplicate) or a correction. A correction keeps its
   * decision (events are facts already written); when it is the newest processed bar, the memory the
   * next decision reads (previous EMAs, last close) is re-primed from the corrected values.
   */
  #isDuplicate(bar: ClosedBar): boolean {
    const seen = this.#bars.classify(bar);
    if (seen === "new") return false;
    this.#skipped[seen]++;
    if (seen === "duplicate") return true;
    const newest = bar.openTimeMs === this.#bars.last;
    if (newest) this.#state = prime(this.#state, { close: bar.c, ...featuresOf(bar) });
    this.log("warn", "bar corrected by the feed after it was processed; decision kept", {
      open_time_ms: bar.openTimeMs,
      origin: bar.origin,
      reprimed: newest,
    });
    return true;
  }

  /** `receivedMs` null = catch-up from history (no live latency). */
  #decide(bar: ClosedBar, receivedMs: number | null, busSeq?: number): void {
    const r = step(this.#state, { close: bar.c, ...featuresOf(bar) }, this.cfg.params);
    this.#state = r.state;
    this.#bars.add(bar);
    this.#lastDecided = bar.openTimeMs;
    this.#cold = false;
    this.#decisions[r.decision]++;
    const nowMs = this.now();
    // Latency = decision time − bar end in wall ms: the feed's close delay (closedAtMs − bar end on the
    // feed clock, divided by its speed so a 60x simulator reads like live) plus our own processing time.
    const barEndMs = bar.openTimeMs + INTERVALS[bar.interval];
    const latencyMs = receivedMs === null
      ? null
      : Math.max(0, bar.closedAtMs - barEndMs) / this.#feedSpeed + Math.max(0, nowMs - receivedMs);
    const catchUp = receivedMs === null;
    this.#emit(decisionEvent(this.cfg.id, bar, r, { nowMs, latencyMs, catchUp, busSeq }));
    if (r.action) {
      this.#actions[r.action.action]++;
      this.#emit(actionEvent(this.cfg.id, bar, r, nowMs));
    }
  }

  #emit(ev: AiEventInput): void {
    try {
      this.sink.write(ev);
      this.#events[ev.type as typeof EVENT_KINDS[number]]++;
    } catch (err) {
      this.#writeErrors++;
      this.log("error", "could not write event", { type: ev.type, error: String(err) });
    }
  }

  status(): ShadowStatus {
    const g = this.gate();
    const book = this.#state.book;
    const mark = this.#state.lastClose ?? 0;
    return {
      startedMs: this.#startedMs,
      position: book.size,
      pnlRealised: book.realisedPnl,
      pnlUnrealised: unrealisedPnl(book, mark),
      pnlTotal: totalPnl(book, mark),
      decisions: { ...this.#decisions },
      actions: { ...this.#actions },
      barsConsumed: this.#consumed,
      barsSkipped: { ...this.#skipped },
      historyBarsPrimed: this.#primed,
      connected: this.#connected,
      feedOk: g.ok,
      feedReason: g.reason,
      lastBarReceivedMs: this.#lastBarMs,
      lastDecidedOpenTimeMs: this.#lastDecided,
      reconnects: this.reconnects,
      eventsWritten: { ...this.#events },
      eventWriteErrors: this.#writeErrors,
    };
  }
}

const featuresOf = ({ features: f }: ClosedBar) => ({ ema12: f.ema_12, ema26: f.ema_26, atr14: f.atr_14 });
