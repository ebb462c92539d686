// The simulator's HTTP face: WebSocket upgrades for the four venues, REST klines, /sim/clock and
// /sim/health on one GET-only server; a wall-clock interval drives VenueSim.tick().
import { getOnlyRouter, type Handler, json, serve, text } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import type { Venue } from "../market/types.ts";
import { SimConnection } from "./conn.ts";
import { keyedRng, type Rng } from "./rng.ts";
import { binanceKlines, bybitKlines, krakenOhlcRest, okxCandles } from "./rest_klines.ts";
import type { VenueSim } from "./venue_sim.ts";

/**
 * Deno pings a server socket after idleTimeout/2 s without inbound frames and closes it (1001 "No
 * response from ping frame.") when nothing, pong included, came in idleTimeout/2 s after that ping:
 * 40 -> a ping at 20 s as Binance sends them, the drop at 40 s of silence (Binance: no pong in 60 s).
 * Deno's one knob cannot give both; the ping cadence is the one clients see.
 */
export const WS_IDLE_TIMEOUT_S = 40;

export interface SimServerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly log: Logger;
  /** Wall ms between ticks (0: no timer, the caller ticks). */
  readonly tickMs?: number;
  /** Wall ms between chaos-file reads (0: never on its own). */
  readonly chaosReloadMs?: number;
  /** Binance's private API on the same port (the trading simulator, lib/sim/trading/venue.ts). */
  readonly privateApi?: PrivateApi;
  /** idleTimeout of private API sockets (default WS_IDLE_TIMEOUT_S; tests shorten it). */
  readonly privateIdleTimeoutS?: number;
  /** At stop(): wall ms between serverShutdown and closing the private API sockets (default 1000). */
  readonly shutdownGraceMs?: number;
}

/** The private side of a venue: REST it answers (null: not its path) and WebSocket API connections. */
export interface PrivateApi {
  rest(req: Request): Promise<Response | null>;
  attach(
    send: (text: string) => void,
    drop: (code: number, reason: string) => void,
  ): { onMessage(text: string): void; close(): void };
  /** serverShutdown to every connection, then closes them after `graceMs`. */
  shutdownStreams?(graceMs: number): Promise<number>;
}

/** Where the private WebSocket API is served (Binance: wss://ws-api.binance.com/ws-api/v3). */
export const PRIVATE_WS_PATH = "/binance/ws-api/v3";

function connId(venue: Venue, n: number, rng: Rng): string {
  const pick = (alphabet: string, len: number) =>
    Array.from({ length: len }, () => alphabet[Math.floor(rng() * alphabet.length)]).join("");
  switch (venue) {
    case "bybit":
      return `${pick("0123456789abcdefghijklmnopqrstuv", 20)}-${
        pick("0123456789abcdefghijklmnopqrstuvwxyz", 5)
      }`;
    case "okx":
      return pick("0123456789abcdef", 8);
    case "kraken":
      return pick("123456789", 1) + pick("0123456789", 18);
    case "binance":
      return `b${n}`;
  }
}

export class SimServer {
  readonly sim: VenueSim;
  readonly #opts: SimServerOptions;
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #timers: ReturnType<typeof setInterval>[] = [];
  #connSeq = 0;
  #errors = 0;
  #stopping = false;
  /** Open private API sockets, each with a resolver for its close. */
  readonly #private = new Map<WebSocket, () => void>();

  constructor(sim: VenueSim, opts: SimServerOptions) {
    this.sim = sim;
    this.#opts = opts;
  }

  get port(): number {
    return this.#server?.addr.port ?? 0;
  }

  /** Binds (PortBusyError when taken) and starts the tick and chaos-reload timers. */
  start(): void {
    this.sim.reloadChaos();
    this.#server = serve({
      name: "venue_sim",
      hostname: this.#opts.hostname,
      port: this.#opts.port,
      handler: this.handler,
    });
    const tickMs = this.#opts.tickMs ?? 20;
    const reloadMs = this.#opts.chaosReloadMs ?? 1000;
    const guard = (what: string, f: () => void) => () => {
      try {
        f();
      } catch (err) {
        this.#errors++;
        this.#opts.log("error", `${what} failed`, { error: String(err) });
      }
    };
    if (tickMs > 0) this.#timers.push(setInterval(guard("tick", () => this.sim.tick()), tickMs));
    if (reloadMs > 0) {
      this.#timers.push(setInterval(guard("chaos reload", () => this.sim.reloadChaos()), reloadMs));
    }
  }

  /** Private API first (it answers POST/DELETE too), then the GET-only public routes and upgrades. */
  readonly handler: Handler = async (req) => {
    const api = this.#opts.privateApi;
    if (!api) return this.#public(req);
    if (new URL(req.url).pathname === PRIVATE_WS_PATH) return this.#upgradePrivate(api, req);
    return (await api.rest(req)) ?? this.#public(req);
  };

  readonly #public: Handler = getOnlyRouter({
    "/sim/clock": () => json(200, this.sim.clock.state()),
    "/sim/health": () => json(200, { ...this.sim.health(), handlerErrors: this.#errors }),
    "/binance/api/v3/klines": (req) => this.#rest("binance", req, binanceKlines),
    "/bybit/v5/market/kline": (req) => this.#rest("bybit", req, bybitKlines),
    "/okx/api/v5/market/candles": (req) => this.#rest("okx", req, okxCandles),
    "/kraken/0/public/OHLC": (req) => this.#rest("kraken", req, krakenOhlcRest),
  }, (req) => this.#upgrade(req));

  #rest(venue: Venue, req: Request, f: (ctx: VenueSim, q: URLSearchParams) => Response): Response {
    if (!this.sim.opts.venues.includes(venue)) return text(404, `venue ${venue} is not enabled\n`);
    return f(this.sim, new URL(req.url).searchParams);
  }

  #upgrade(req: Request): Response {
    const url = new URL(req.url);
    const proto = this.sim.protocols.find((p) => p.accepts(url.pathname));
    if (!proto) return text(404, "not found\n");
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return text(426, "this path speaks WebSocket only\n");
    }
    const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: WS_IDLE_TIMEOUT_S });
    const n = ++this.#connSeq;
    const rng = keyedRng(this.sim.opts.seed, `conn|${n}`);
    const c = new SimConnection(connId(proto.venue, n, rng), proto.venue, url.pathname, socket, {
      chaos: () => this.sim.chaos(),
      log: this.sim.chaosLog,
      rng,
      wallNow: () => this.sim.clock.wallNowMs(),
    });
    const safely = (what: string, f: () => void) => {
      try {
        f();
      } catch (err) {
        this.#errors++;
        this.#opts.log("warn", `${what} failed`, { venue: c.venue, connId: c.id, error: String(err) });
      }
    };
    socket.onopen = () =>
      safely("open", () => {
        this.sim.conns.add(c);
        this.#opts.log("info", "connection open", { venue: c.venue, connId: c.id, path: c.path });
        proto.onOpen(c, url);
      });
    socket.onmessage = (e) =>
      safely("message", () => {
        c.lastRecvWallMs = this.sim.clock.wallNowMs();
        if (typeof e.data === "string") proto.onMessage(c, e.data);
      });
    socket.onclose = (e) => {
      this.sim.conns.delete(c);
      c.dispose();
      this.#opts.log("info", "connection closed", { venue: c.venue, connId: c.id, code: e.code });
    };
    socket.onerror = () => {};
    return response;
  }

  #upgradePrivate(api: PrivateApi, req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return text(426, "this path speaks WebSocket only\n");
    }
    // After serverShutdown a client reconnects at once: a server going away takes no new connections.
    if (this.#stopping) return text(503, "server shutting down\n");
    const idleTimeout = this.#opts.privateIdleTimeoutS ?? WS_IDLE_TIMEOUT_S;
    const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
    let conn: ReturnType<PrivateApi["attach"]> | null = null;
    const safely = (what: string, f: () => void) => {
      try {
        f();
      } catch (err) {
        this.#errors++;
        this.#opts.log("warn", `private ${what} failed`, { error: String(err) });
      }
    };
    socket.onopen = () =>
      safely("open", () => {
        this.#private.set(socket, () => {});
        conn = api.attach((t) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(t);
        }, (code, reason) => socket.close(code, reason));
      });
    socket.onmessage = (e) => safely("message", () => typeof e.data === "string" && conn?.onMessage(e.data));
    socket.onclose = () => {
      this.#private.get(socket)?.();
      this.#private.delete(socket);
      conn?.close();
    };
    socket.onerror = () => {};
    return response;
  }

  /** Stops timers, tells private API clients serverShutdown, closes every socket (1001), the listener. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#stopping = true;
    await this.#opts.privateApi?.shutdownStreams?.(this.#opts.shutdownGraceMs ?? 1000);
    for (const c of this.sim.conns) c.close(1001, "simulator stopping");
    // Private sockets close before the listener goes (its shutdown would cut them with its own reason).
    const closed = [...this.#private.keys()].map((s) => new Promise<void>((r) => this.#private.set(s, r)));
    for (const s of this.#private.keys()) s.close(1001, "simulator stopping");
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise((r) => timer = setTimeout(r, 2000))]);
    clearTimeout(timer);
    if (this.#server) await this.#server.shutdown();
    this.#server = null;
  }
}
