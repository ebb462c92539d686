// One simulated venue connection: subscriptions, and the send path where chaos is applied
// (stall, malformed, bad values, duplicates, reordering, late trades, jitter), each injection logged
// once.
import type { Venue } from "../market/types.ts";
import {
  type ChaosConfig,
  type ChaosLog,
  inScope,
  isStalled,
  LATE_MS_DEFAULT,
  pickAnomaly,
} from "./chaos.ts";
import type { Rng } from "./rng.ts";

export type BadValue = "nan_price" | "neg_size";

/** A data frame before chaos: built lazily so a bad-value variant can be made of the same record. */
export interface DataFrame {
  readonly kind: "trade" | "kline";
  readonly venue: Venue;
  readonly symbol: string;
  /** Subscription key the frame belongs to (reordering swaps frames of one key only). */
  readonly topic: string;
  readonly tradeId?: string;
  build(bad?: BadValue): string;
}

export interface ConnDeps {
  readonly chaos: () => ChaosConfig;
  readonly log: ChaosLog;
  readonly rng: Rng;
  readonly wallNow: () => number;
}

interface Queued {
  readonly dueMs: number;
  readonly text?: string;
  readonly close?: readonly [number, string];
}

export class SimConnection {
  readonly id: string;
  readonly venue: Venue;
  readonly path: string;
  readonly openedWallMs: number;
  /** Subscription key (e.g. "trade|BTC-USDT", "kline|BTC-USDT|1m") -> the venue's name for it. */
  readonly subs = new Map<string, string>();
  /** Binance combined-stream connection: frames go out in {"stream","data"} envelopes. */
  combined = false;
  lastSendWallMs: number;
  lastRecvWallMs: number;
  framesSent = 0;
  /** A planned cut was announced: the socket closes (1001) at this wall time. */
  cutAt: { readonly wallMs: number; readonly reason: string } | null = null;
  readonly #ws: WebSocket;
  readonly #deps: ConnDeps;
  readonly #held = new Map<string, DataFrame>();
  /** Late trade frames waiting for their timer (sent out of order, or logged lost on close). */
  readonly #late = new Map<ReturnType<typeof setTimeout>, DataFrame>();
  #queue: Queued[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #badToggle = 0;
  #closing = false;

  constructor(id: string, venue: Venue, path: string, ws: WebSocket, deps: ConnDeps) {
    this.id = id;
    this.venue = venue;
    this.path = path;
    this.#ws = ws;
    this.#deps = deps;
    this.openedWallMs = this.lastSendWallMs = this.lastRecvWallMs = deps.wallNow();
  }

  get isOpen(): boolean {
    return !this.#closing && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Acks, pongs, heartbeats, status: only jitter applies. */
  sendControl(text: string): void {
    this.#enqueue({ text });
  }

  /** Market data: stall and frame chaos apply (rate chaos only to venues in scope). */
  sendData(f: DataFrame): void {
    if (!this.isOpen) return;
    const c = this.#deps.chaos();
    const log = this.#deps.log;
    if (isStalled(c, f.venue, f.symbol)) {
      log.record({ kind: "stalled", venue: f.venue, symbol: f.symbol, connId: this.id, tradeId: f.tradeId });
      return;
    }
    const held = this.#held.get(f.topic);
    if (held) {
      // Release the held frame right after an intact later frame, so the swap is visible.
      this.#held.delete(f.topic);
      this.#enqueue({ text: f.build() });
      this.#enqueue({ text: held.build() });
      log.record({
        kind: "reorder",
        venue: f.venue,
        symbol: f.symbol,
        connId: this.id,
        tradeId: held.tradeId,
      });
      return;
    }
    const a = inScope(c, f.venue) ? pickAnomaly(this.#deps.rng(), c, f.kind === "trade") : null;
    const ev = { venue: f.venue, symbol: f.symbol, connId: this.id, tradeId: f.tradeId };
    switch (a) {
      case "malformed": {
        // A strict prefix of a JSON object is never valid JSON.
        const text = f.build();
        this.#enqueue({ text: text.slice(0, Math.max(1, text.length >> 1)) });
        log.record({ kind: "malformed", ...ev, frame: f.kind });
        return;
      }
      case "bad_value": {
        const bad: BadValue = this.#badToggle++ % 2 === 0 ? "nan_price" : "neg_size";
        this.#enqueue({ text: f.build(bad) });
        log.record({ kind: "bad_value", ...ev, value: bad });
        return;
      }
      case "duplicate": {
        const text = f.build();
        this.#enqueue({ text });
        this.#enqueue({ text });
        log.record({ kind: "duplicate", ...ev });
        return;
      }
      case "reorder":
        this.#held.set(f.topic, f);
        return;
      case "late": {
        const delayMs = c.lateMs ?? LATE_MS_DEFAULT;
        const timer = setTimeout(() => {
          this.#late.delete(timer);
          if (this.#closing) this.#lost("late_lost", f);
          else this.#enqueue({ text: f.build() });
        }, delayMs);
        this.#late.set(timer, f);
        log.record({ kind: "late", ...ev, delayMs });
        return;
      }
      case null:
        this.#enqueue({ text: f.build() });
    }
  }

  /** Closes after every frame already queued (so a serverShutdown event arrives before the close). */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#enqueue({ close: [code, reason] });
    this.#closing = true;
  }

  /** Called once the socket is gone: drops queued frames and logs held ones as lost. */
  dispose(): void {
    this.#closing = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    for (const f of this.#held.values()) this.#lost("reorder_lost", f);
    this.#held.clear();
    for (const [timer, f] of this.#late) {
      clearTimeout(timer);
      this.#lost("late_lost", f);
    }
    this.#late.clear();
  }

  #lost(kind: "reorder_lost" | "late_lost", f: DataFrame): void {
    this.#deps.log.record({ kind, venue: f.venue, symbol: f.symbol, connId: this.id, tradeId: f.tradeId });
  }

  #enqueue(item: Omit<Queued, "dueMs">): void {
    if (this.#closing) return;
    const now = this.#deps.wallNow();
    const c = this.#deps.chaos();
    const jitter = item.text !== undefined && inScope(c, this.venue) ? c.jitterMs ?? 0 : 0;
    if (jitter === 0 && this.#queue.length === 0) return this.#emit(item);
    const delay = Math.floor(this.#deps.rng() * (jitter + 1));
    if (jitter > 0) {
      this.#deps.log.record({ kind: "jitter", venue: this.venue, connId: this.id, delayMs: delay });
    }
    const last = this.#queue.at(-1)?.dueMs ?? now;
    this.#queue.push({ ...item, dueMs: Math.max(last, now + delay) });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const wait = Math.max(0, this.#queue[0].dueMs - this.#deps.wallNow());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // The head is due (its timer fired); later items go now too if their time has come.
      this.#emit(this.#queue.shift()!);
      const now = this.#deps.wallNow();
      while (this.#queue.length > 0 && this.#queue[0].dueMs <= now) this.#emit(this.#queue.shift()!);
      this.#schedule();
    }, wait);
  }

  #emit(item: Omit<Queued, "dueMs">): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    if (item.close) {
      this.#ws.close(item.close[0], item.close[1]);
      return;
    }
    this.#ws.send(item.text!);
    this.framesSent++;
    this.lastSendWallMs = this.#deps.wallNow();
  }
}
