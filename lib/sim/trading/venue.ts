// The simulated Binance spot trading venue assembled: engine (restored from the state file when one
// exists), ground truth, signed REST, the WebSocket API with user-data fan-out, and state saves.
// What a server needs: `rest(req)` (null for paths that are not ours), `attach(send)` per WebSocket
// API connection, `onTrade(t)` for every delivered trade, `flush()` on a timer and `close()`.
import type { SimTrade } from "../market.ts";
import { type AckFault, NO_FAULT } from "./ack_faults.ts";
import { type ChaosSink, faultedCall } from "./chaos_ack.ts";
import type { AccountConfig } from "./accounts.ts";
import { type EngineConfig, MatchingEngine } from "./engine.ts";
import { type RateLimitConfig, RateLimiter } from "./rate_limits.ts";
import { restHandler } from "./rest_handler.ts";
import type { TradingContext } from "./rest_orders.ts";
import type { ApiKey } from "./signing.ts";
import { matchTrade } from "./sim_trades.ts";
import { loadState, restore, saveState } from "./state.ts";
import type { SpotSymbol } from "./symbols.ts";
import { SaveGate } from "./save_gate.ts";
import { type LineSink, TradingTruth } from "./truth.ts";
import type { TradingChaos } from "./trading_chaos.ts";
import type { OrderEvent } from "./types.ts";
import { VenueChaos } from "./venue_chaos.ts";
import { WsApi } from "./ws_api.ts";
import { type WsAttachment, WsConnections, type WsConnectionsOptions } from "./ws_connections.ts";

export type { WsAttachment };

export interface TradingVenueOptions {
  readonly symbols: readonly SpotSymbol[];
  readonly accounts: Readonly<Record<string, AccountConfig>>;
  readonly keys: readonly ApiKey[];
  readonly slippageBps: number;
  readonly takerLiquidity: EngineConfig["takerLiquidity"];
  /** Server time, ms (the simulated clock). */
  readonly now: () => number;
  /** --trading-state FILE: restored at open, rewritten atomically after changes. */
  readonly statePath?: string;
  /** --orders-truth / --fills-truth writers. */
  readonly ordersTruth?: LineSink | null;
  readonly fillsTruth?: LineSink | null;
  /** REST rate limits (absent: none enforced, no X-MBX-* headers). */
  readonly limits?: RateLimitConfig;
  /** Execution chaos per REST call ("POST /binance/api/v3/order", ...): none when absent. */
  readonly ackFault?: (route: string) => AckFault;
  /** Sleep for delayed acks (tests inject one). */
  readonly wait?: (ms: number) => Promise<void>;
  /** Chaos: ms a fill stays out of myTrades (the stream has it first). */
  readonly tradesLagMs?: () => number;
  /** Chaos: wall ms user events are held back (myTrades has the fill first); 0 or absent: none. */
  readonly streamDelayMs?: () => number;
  /** Chaos: user events are silently not sent while this holds (the sockets stay open). */
  readonly streamStalled?: () => boolean;
  /** Execution chaos from flags and the chaos file; the three knobs above win when given. */
  readonly chaos?: TradingChaos;
  /** Where each injected fault is logged (the simulator's chaos log). */
  readonly chaosLog?: ChaosSink;
  /** Wall clock for connection ages (default Date.now). */
  readonly wallNow?: () => number;
  /** The chaos file's planned cut for Binance (cutEveryS / cutNoticeS): serverShutdown, then 1001. */
  readonly plannedCut?: WsConnectionsOptions["plannedCut"];
  /** Schedules held-back events (default setTimeout; tests drive their own). */
  readonly schedule?: (f: () => void, ms: number) => unknown;
}

export class TradingVenue {
  readonly engine: MatchingEngine;
  readonly ctx: TradingContext;
  readonly rest: (req: Request, ip?: string) => Promise<Response | null>;
  readonly ws: WsApi;
  /** Bursts, storms, orphans, vanishing orders, cancel races (venue_chaos.ts). */
  readonly chaos: VenueChaos;
  readonly #opts: TradingVenueOptions;
  readonly conns: WsConnections;
  readonly #limiter: RateLimiter | undefined;
  readonly #gate: SaveGate;

  private constructor(opts: TradingVenueOptions, engine: MatchingEngine) {
    this.#opts = opts;
    this.engine = engine;
    const path = opts.statePath;
    const saves = this.#gate = new SaveGate(path ? () => saveState(path, engine) : null);
    // Truth lines wait for the save that holds their change, like every other effect.
    const gated = (sink: LineSink | null | undefined): LineSink | null =>
      sink ? { write: (lines) => saves.after(() => sink.write(lines)) } : null;
    const truth = new TradingTruth(engine.symbols, gated(opts.ordersTruth), gated(opts.fillsTruth));
    const chaos = opts.chaos;
    const tradesLagMs = opts.tradesLagMs ?? (chaos && (() => chaos.tradesLagMs()));
    this.ctx = {
      engine,
      truth,
      onEvents: (e) => this.#changed(e),
      tradesLagMs,
      onTradesHidden: (fills, ms) =>
        this.#log({
          kind: "trades_lag",
          venue: "binance",
          ms,
          fills: fills.map((f) => ({ orderId: f.orderId, tradeId: f.id })),
        }),
      beforeCancel: (a, s, ref, now) => this.chaos.beforeCancel(a, s, ref, now),
    };
    this.chaos = new VenueChaos({
      ctx: this.ctx,
      chaos,
      log: this.#log,
      now: opts.now,
      defaultAccount: opts.keys[0]?.account,
      changed: () => this.#saveSoon(),
    });
    const limiter = this.#limiter = opts.limits ? new RateLimiter(opts.limits) : undefined;
    const gate = (r: string, signed: boolean, p: URLSearchParams) => this.chaos.gate(r, signed, p);
    const handler = restHandler({ ctx: this.ctx, keys: opts.keys, now: opts.now, limiter, gate });
    // A mutation's reply leaves only once the state file holds it (a restart never forgets an ack).
    this.rest = async (req, ip) => {
      this.chaos.apply();
      const route = `${req.method} ${new URL(req.url).pathname}`;
      const fault = opts.ackFault?.(route) ?? chaos?.ackFault(route) ?? NO_FAULT;
      const res = await faultedCall(fault, req, (r) => handler(r, ip), this.#log, opts.wait);
      if (res) await this.flush();
      return res;
    };
    this.ws = new WsApi({ ctx: this.ctx, keys: opts.keys, now: opts.now, limiter });
    this.conns = new WsConnections({
      ws: this.ws,
      now: opts.now,
      chaos,
      log: this.#log,
      // The reply leaves after the save that holds what the request changed.
      afterRequest: (reply) => {
        saves.after(reply);
        void saves.flush().catch(() => {});
      },
      streamDelayMs: opts.streamDelayMs,
      streamStalled: opts.streamStalled,
      wallNow: opts.wallNow,
      plannedCut: opts.plannedCut,
      schedule: opts.schedule,
    });
  }

  /** Opens the venue: from the state file when it exists (a damaged file throws), else fresh. */
  static async open(opts: TradingVenueOptions): Promise<TradingVenue> {
    const cfg: EngineConfig = {
      symbols: opts.symbols,
      accounts: opts.accounts,
      slippageBps: opts.slippageBps,
      takerLiquidity: opts.takerLiquidity,
    };
    const state = opts.statePath ? await loadState(opts.statePath) : null;
    return new TradingVenue(opts, state ? restore(cfg, state) : new MatchingEngine(cfg));
  }

  /** Matches a delivered public trade (the simulator calls this for every trade). */
  onTrade(t: SimTrade): void {
    this.chaos.apply();
    matchTrade(this.ctx, t);
  }

  /** Registers a WebSocket API connection; `send` delivers one text frame, `drop` closes it. */
  attach(send: (text: string) => void, drop?: (code: number, reason: string) => void): WsAttachment {
    return this.conns.attach(send, drop);
  }

  #log: ChaosSink = (e) => this.#opts.chaosLog?.(e);

  /**
   * Marks a change and saves it after the current call: a WebSocket request's reply, queued after its
   * events, is then released by the same save and goes out first. A failed save stays dirty for the next.
   */
  #saveSoon(): void {
    this.#gate.changed();
    queueMicrotask(() => void this.#gate.flush().catch(() => {}));
  }

  #changed(events: readonly OrderEvent[]): void {
    for (const e of events) {
      // First fill: the order leaves the unfilled-order count.
      if (e.fill && e.order.executedLots === e.fill.qtyLots) {
        this.#limiter?.filled(e.order.account, e.order.time, e.time);
      }
    }
    if (this.conns.size > 0) {
      // Execution ids and balances as of the change, so the save that releases them holds them too.
      const user = this.ws.userEvents(events);
      this.#gate.after(() => this.conns.deliver(events, user));
    }
    this.#saveSoon();
  }

  /** Chaos "an order disappears without an event" (venue_chaos.ts). */
  vanish(orderId: number, now: number): boolean {
    return this.chaos.vanish(orderId, now);
  }

  /** Chaos "user-data-stream drop": closes every WebSocket API connection (1011); returns how many. */
  dropStreams(): number {
    return this.conns.dropAll();
  }

  /** Call every second: the 24 h cut, and chaos `userStreamDropEveryS` drops (ws_connections.ts). */
  housekeeping(wallMs: number): void {
    this.conns.housekeeping(wallMs);
  }

  /** Ends every user-data subscription with eventStreamTerminated (sockets stay open); how many. */
  terminateStreams(): number {
    return this.conns.terminateSubscriptions();
  }

  /** The chaos config may have changed (the chaos file was re-read): held reads go on once released. */
  chaosReloaded(): void {
    this.chaos.reads.release();
  }

  /** Announces serverShutdown to every WebSocket API connection and closes them after `graceMs`. */
  shutdownStreams(graceMs: number): Promise<number> {
    // A stopping venue answers the reads it held (the listener's shutdown waits for open requests).
    this.chaos.reads.release(true);
    return this.conns.shutdown(graceMs);
  }

  /** Writes the state file if anything changed (writes never overlap), then releases waiting effects. */
  flush(): Promise<void> {
    return this.#gate.flush();
  }

  /** Final save; connections are the server's to close. */
  async close(): Promise<void> {
    this.conns.clear();
    await this.flush();
  }
}
