// The Binance spot connector wired to the venue simulator's private API (testing/trading_sim.ts) for
// tests: fixed test credentials (not real keys), real fetch and WebSocket on loopback, and the time the
// test drives. The sim's clock runs on a ManualWall and is the connector's clock too (no clock skew to
// race), the venue's held-back events and the user stream's pings/deadlines/backoff run on one
// ManualTimers, and public trades (the prints orders fill against) come only from `tick`.
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import type { SimTrade } from "../lib/sim/market.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { TradingChaos } from "../lib/sim/trading/trading_chaos.ts";
import type { TradingVenueOptions } from "../lib/sim/trading/venue.ts";
import type { Timers } from "../lib/async/sleep.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import type { RestConfig } from "../lib/trading/binance_rest.ts";
import type { UserStreamConfig } from "../lib/trading/binance_user_stream.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { OrderRequest, UserEvent } from "../lib/trading/venue.ts";
import { ManualTimers } from "./manual_timers.ts";
import { startTradingSim, type TradingSim } from "./trading_sim.ts";

export const KEY = "testKey0123456789testKey0123456789testKey0123456789testKey012345";
export const SECRET = "testSecret9876543210testSecret9876543210testSecret9876543210abcd";

/** The simulated epoch of every connector-vs-simulator test (2026-01-01): seed 11's prints start here. */
export const SIM_START_MS = 1_767_225_600_000;

/** A connector on real fetch and WebSocket for a venue at these URLs. */
export function connector(
  venue: { readonly baseUrl: string; readonly wsApiUrl: string },
  timeoutMs = 10_000,
  secret = SECRET,
) {
  return new BinanceSpot(
    { rest: { baseUrl: venue.baseUrl, timeoutMs }, userStream: { wsApiUrl: venue.wsApiUrl } },
    new ApiCredentials(KEY, secret),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
}

export const limit = (id: string): OrderRequest => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  quantity: "0.01000000",
  price: "50000.00",
});

export interface ConnectorSimOptions {
  /** The chaos file's `trading` key at start (default none). */
  readonly trading?: ChaosConfig["trading"];
  readonly rest?: Partial<RestConfig>;
  readonly userStream?: Partial<UserStreamConfig>;
  /** Over the venue defaults of testing/trading_sim.ts (10,000 USDT, maker 10 bps, taker 20 bps). */
  readonly venue?: Partial<TradingVenueOptions>;
  /** The connector's fetch (default the real one; a test may record what it sends through it). */
  readonly fetch?: typeof fetch;
}

export interface ConnectorSim {
  readonly t: TradingSim;
  readonly spot: BinanceSpot;
  readonly wall: ManualWall;
  readonly timers: ManualTimers;
  /** Holds chaos.json, chaos.jsonl, orders.jsonl and fills.jsonl. */
  readonly dir: string;
  /** Every simulated Binance trade delivered so far. */
  readonly prints: SimTrade[];
  /** Every frame the connector's user-stream sockets received, in order (the wire, as it saw it). */
  readonly frames: string[];
  readonly urls: { readonly baseUrl: string; readonly wsApiUrl: string };
  /** Rewrites the chaos file's `trading` key and re-reads it (what the server does every second). */
  setTrading(trading: ChaosConfig["trading"]): void;
  /** Moves the wall (and so simulated time) on by `ms` and delivers every trade now due. */
  tick(ms: number): void;
  /** Starts the connector's user stream into `events`. */
  stream(): { readonly events: UserEvent[]; stop(): Promise<void> };
  close(): Promise<void>;
}

export async function startConnectorSim(o: ConnectorSimOptions = {}): Promise<ConnectorSim> {
  const dir = Deno.makeTempDirSync({ prefix: "tp_connector_sim_" });
  const chaosFile = `${dir}/chaos.json`;
  const writeChaos = (trading: ChaosConfig["trading"]) =>
    Deno.writeTextFileSync(chaosFile, JSON.stringify(trading ? { trading } : {}));
  writeChaos(o.trading);
  const wall = new ManualWall(1_000_000);
  const timers = new ManualTimers();
  const prints: SimTrade[] = [], frames: string[] = [];
  const writers = ["chaos", "orders", "fills"].map((n) => JsonlWriter.open(`${dir}/${n}.jsonl`));
  const [chaosLog, orders, fills] = writers;
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: SIM_START_MS, wallNow: wall.now, chaosFile, chaosLog },
    onTrade: (p) => prints.push(p),
    venue: (sim) => ({
      ordersTruth: orders,
      fillsTruth: fills,
      chaos: new TradingChaos(() => sim.chaos().trading),
      chaosLog: (e) => sim.chaosLog.record(e),
      wallNow: wall.now,
      schedule: (f, ms) => timers.setTimeout(f, ms),
      ...o.venue,
    }),
  });
  const now = () => t.sim.clock.nowMs();
  const urls = {
    baseUrl: `http://127.0.0.1:${t.server.port}/binance`,
    wsApiUrl: `ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}`,
  };
  const spot = new BinanceSpot(
    {
      rest: { baseUrl: urls.baseUrl, ...o.rest },
      userStream: {
        wsApiUrl: urls.wsApiUrl,
        backoff: { baseMs: 0, maxMs: 0, jitter: "none" },
        ...o.userStream,
      },
    },
    new ApiCredentials(KEY, SECRET),
    {
      rest: { fetch: o.fetch ?? fetch, now },
      userStream: {
        connect: (u) => {
          const ws = new WebSocket(u);
          ws.addEventListener("message", (m) => frames.push(String(m.data)));
          return ws;
        },
        now,
        timers: timers as unknown as Timers,
      },
    },
  );
  const streams: (() => Promise<void>)[] = [];
  return {
    t,
    spot,
    wall,
    timers,
    dir,
    prints,
    frames,
    urls,
    setTrading: (trading) => {
      writeChaos(trading);
      t.sim.reloadChaos();
    },
    tick: (ms) => {
      wall.advance(ms);
      t.sim.tick();
    },
    stream: () => {
      const events: UserEvent[] = [];
      const ac = new AbortController();
      const running = spot.userEvents((e) => events.push(e), ac.signal);
      const stop = async () => {
        ac.abort();
        await running;
      };
      streams.push(stop);
      return { events, stop };
    },
    close: async () => {
      for (const s of streams) await s();
      await t.close();
      for (const w of writers) w.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
