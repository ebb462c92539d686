// The venue's open WebSocket API connections: each one's session and age, request frames in (with the
// WS ack chaos of chaos_ws.ts), user-data fan-out out (with the stream delay / stall chaos), the chaos
// drops (all at once, or each after `userStreamDropEveryS`) and the lifecycle of binance_trading.md §5,
// §6: the cut at 24 h of age, and `serverShutdown` before the server goes away (to every connection
// when the simulator stops; to each one `cutEveryS` old under the chaos file's planned cut).
// Ping frames every 20 s and the drop on no pong are the socket's (lib/sim/sim_server.ts idleTimeout).
import type { ChaosSink } from "./chaos_ack.ts";
import { faultedWsCall } from "./chaos_ws.ts";
import type { TradingChaos } from "./trading_chaos.ts";
import type { OrderEvent } from "./types.ts";
import { framesFor, newSession, type WsApi, type WsSession } from "./ws_api.ts";

/** Binance cuts a WebSocket API connection at 24 h of age. */
export const MAX_CONNECTION_AGE_MS = 24 * 3_600_000;
/** The close a connection gets at 24 h (Binance does not document it; as the simulator's public side). */
export const AGE_CUT = { code: 1001, reason: "connection max age" } as const;
/** The close after a serverShutdown announcement: the server is going away. */
export const SHUTDOWN_CUT = { code: 1001, reason: "server shutdown" } as const;

export interface WsConnectionsOptions {
  readonly ws: WsApi;
  /** Server time, ms (the `E` of serverShutdown). */
  readonly now: () => number;
  readonly chaos?: TradingChaos;
  readonly log: ChaosSink;
  /** Runs a request's reply once the venue state holding its change is saved. */
  readonly afterRequest: (reply: () => void) => void;
  /** Chaos knobs that win over `chaos` when given (see TradingVenueOptions). */
  readonly streamDelayMs?: () => number;
  readonly streamStalled?: () => boolean;
  /** Wall clock for connection ages (default Date.now). */
  readonly wallNow?: () => number;
  /** Chaos planned cut (the chaos file's cutEveryS / cutNoticeS for Binance): serverShutdown, then 1001. */
  readonly plannedCut?: () => { readonly everyS?: number; readonly noticeS?: number };
  /** Schedules held-back frames (default setTimeout; tests drive their own). */
  readonly schedule?: (f: () => void, ms: number) => unknown;
}

/** One WebSocket API connection as the venue sees it. */
export interface WsAttachment {
  onMessage(text: string): void;
  close(): void;
}

interface Conn {
  readonly session: WsSession;
  readonly send: (text: string) => void;
  readonly drop: (code: number, reason: string) => void;
  readonly openedWallMs: number;
  /** When an announced planned cut closes it (wall ms). */
  cutAtWallMs: number | null;
}

export class WsConnections {
  readonly #opts: WsConnectionsOptions;
  readonly #conns = new Set<Conn>();

  constructor(opts: WsConnectionsOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#conns.size;
  }

  #schedule(f: () => void, ms: number): void {
    (this.#opts.schedule ?? setTimeout)(f, ms);
  }

  /** Registers a connection; `send` delivers one text frame, `drop` closes it. */
  attach(
    send: (text: string) => void,
    drop: (code: number, reason: string) => void = () => {},
  ): WsAttachment {
    const o = this.#opts;
    const conn: Conn = {
      session: newSession(),
      send,
      drop,
      openedWallMs: (o.wallNow ?? Date.now)(),
      cutAtWallMs: null,
    };
    this.#conns.add(conn);
    return {
      onMessage: (text) => {
        if (o.streamStalled?.() ?? o.chaos?.streamStalled()) {
          // Silent stall: nothing gets through either way (a `ping` too), so a client that checks
          // liveness with requests sees it; the request never reaches the venue.
          o.log({ kind: "user_stream_stall", venue: "binance", request: methodOf(text) });
          return;
        }
        const r = faultedWsCall(o.chaos, text, () => o.ws.handle(conn.session, text), o.log);
        // Once saved, the reply goes out before the request's own user events (deliver() queues them).
        o.afterRequest(() => {
          if (r.close) drop(1011, "simulated connection loss"); // chaos: placed, reply never sent
          if (r.delayMs > 0) this.#schedule(() => r.frames.forEach(send), r.delayMs);
          else for (const f of r.frames) send(f);
        });
      },
      close: () => void this.#conns.delete(conn),
    };
  }

  /** Fans an engine change's user events out to the subscribed sessions. */
  deliver(events: readonly OrderEvent[], user = this.#opts.ws.userEvents(events)): void {
    if (this.#conns.size === 0) return;
    const o = this.#opts;
    const chaos = o.chaos;
    const ids = () => events.map((e) => ({ clientOrderId: e.order.clientOrderId, orderId: e.order.orderId }));
    const deliver = () => {
      if (o.streamStalled?.() ?? chaos?.streamStalled()) {
        // Silent stall: sockets stay open, events are lost.
        o.log({ kind: "user_stream_stall", venue: "binance", orders: ids() });
        return;
      }
      for (const c of this.#conns) for (const f of framesFor(c.session, user)) c.send(f);
    };
    const delay = o.streamDelayMs?.() ?? chaos?.streamDelayMs() ?? 0;
    if (delay > 0) o.log({ kind: "user_stream_delay", venue: "binance", ms: delay, orders: ids() });
    // Queued after the current frame (a response precedes the events of its own request).
    if (delay > 0) this.#schedule(deliver, delay);
    else queueMicrotask(deliver);
  }

  /** Chaos "user-data-stream drop": closes every connection (1011); returns how many. */
  dropAll(): number {
    const n = this.#conns.size;
    this.#opts.log({ kind: "user_stream_drop", venue: "binance", connections: n });
    for (const c of [...this.#conns]) {
      this.#conns.delete(c);
      c.drop(1011, "simulated stream drop");
    }
    return n;
  }

  /**
   * Call every second: cuts each connection 24 h old (AGE_CUT), runs the planned cut (serverShutdown,
   * the close after cutNoticeS), and with chaos `userStreamDropEveryS` closes (1011) each connection
   * open that long.
   */
  housekeeping(wallMs: number): void {
    const plan = this.#opts.plannedCut?.() ?? {};
    for (const c of [...this.#conns]) {
      const age = wallMs - c.openedWallMs;
      if (age >= MAX_CONNECTION_AGE_MS) this.#cut(c, AGE_CUT);
      else if (c.cutAtWallMs !== null && wallMs >= c.cutAtWallMs) this.#cut(c, SHUTDOWN_CUT);
      else if (c.cutAtWallMs === null && plan.everyS !== undefined && age >= plan.everyS * 1000) {
        const noticeMs = (plan.noticeS ?? 0) * 1000;
        this.#opts.log({ kind: "cut", venue: "binance", api: "ws-api", ageMs: age, noticeMs });
        c.send(this.#shutdownFrame());
        if (noticeMs === 0) this.#cut(c, SHUTDOWN_CUT);
        else c.cutAtWallMs = wallMs + noticeMs;
      }
    }
    const chaos = this.#opts.chaos;
    if (!chaos) return;
    for (const c of [...this.#conns]) {
      if (!chaos.dropDue(wallMs - c.openedWallMs)) continue;
      this.#conns.delete(c);
      this.#opts.log({
        kind: "user_stream_drop",
        venue: "binance",
        connections: 1,
        ageMs: wallMs - c.openedWallMs,
      });
      c.drop(1011, "simulated stream drop");
    }
  }

  /**
   * The venue ends every user-data subscription (as on a revoked key or an expired session): each gets
   * eventStreamTerminated; the sockets stay open. Returns how many subscriptions ended.
   */
  terminateSubscriptions(): number {
    let n = 0;
    for (const c of this.#conns) {
      for (const subscriptionId of c.session.subs.keys()) {
        c.send(
          JSON.stringify({ subscriptionId, event: { e: "eventStreamTerminated", E: this.#opts.now() } }),
        );
        n++;
      }
      c.session.subs.clear();
    }
    return n;
  }

  /**
   * The server is going away: `{"event":{"e":"serverShutdown","E":..}}` to every connection now, and
   * after `graceMs` each is closed (SHUTDOWN_CUT). Resolves once they are; returns how many were told.
   */
  shutdown(graceMs: number): Promise<number> {
    const told = [...this.#conns];
    const frame = this.#shutdownFrame();
    for (const c of told) c.send(frame);
    const cut = () => {
      for (const c of told) {
        if (this.#conns.delete(c)) c.drop(SHUTDOWN_CUT.code, SHUTDOWN_CUT.reason);
      }
      return told.length;
    };
    if (graceMs <= 0) return Promise.resolve(cut());
    return new Promise((resolve) => this.#schedule(() => resolve(cut()), graceMs));
  }

  #shutdownFrame(): string {
    return JSON.stringify({ event: { e: "serverShutdown", E: this.#opts.now() } });
  }

  #cut(c: Conn, close: { readonly code: number; readonly reason: string }): void {
    if (this.#conns.delete(c)) c.drop(close.code, close.reason);
  }

  /** Forgets every connection (the server closes the sockets). */
  clear(): void {
    this.#conns.clear();
  }
}

/** The method a request frame names (for the chaos log: never its params, which carry the key). */
function methodOf(text: string): string {
  try {
    const m = JSON.parse(text)?.method;
    return typeof m === "string" ? m.slice(0, 64) : "?";
  } catch {
    return "?";
  }
}
