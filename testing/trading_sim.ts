// The venue simulator with its Binance private API on loopback (real HTTP and WebSocket API), for tests:
// one BTC-USDT Binance market whose trades drive the paper matching engine, one paper account, one key.
import type { SimTrade } from "../lib/sim/market.ts";
import { type PrivateApi, SimServer, type SimServerOptions } from "../lib/sim/sim_server.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import { TradingVenue, type TradingVenueOptions } from "../lib/sim/trading/venue.ts";
import { VenueSim, type VenueSimOptions } from "../lib/sim/venue_sim.ts";

export interface TradingSimOptions {
  key: string;
  secret: string;
  /** Over the defaults (seed, one symbol, Binance only, 5 trades/s, speed 1); `onTrade` is the hook below. */
  sim: Partial<Omit<VenueSimOptions, "onTrade">> & Pick<VenueSimOptions, "startSimMs">;
  /** Over the defaults (USDT-rich paper account, no slippage, unlimited taker liquidity, the sim's clock). */
  venue?: (sim: VenueSim) => Partial<TradingVenueOptions>;
  /** Over the server defaults (loopback port 0, no timers, no serverShutdown grace at stop). */
  server?: Partial<SimServerOptions>;
  /** Sees every simulated trade before the engine does. */
  onTrade?: (t: SimTrade) => void;
}

export interface TradingSim {
  readonly sim: VenueSim;
  readonly venue: TradingVenue;
  readonly server: SimServer;
  /** What reached the private API, in order: REST as "GET /binance/api/v3/time", WS API methods by name. */
  readonly restCalls: string[];
  readonly wsMethods: string[];
  /** Every frame the WebSocket API sent, in order (all connections). */
  readonly wsSent: string[];
  close(): Promise<void>;
}

export async function startTradingSim(o: TradingSimOptions): Promise<TradingSim> {
  let venue: TradingVenue | null = null;
  const sim = new VenueSim({
    seed: 11,
    speed: 1,
    symbols: ["BTC-USDT"],
    venues: ["binance"],
    tradeRate: 5,
    ...o.sim,
    onTrade: (t) => {
      o.onTrade?.(t);
      venue?.onTrade(t);
    },
  });
  const opened = await TradingVenue.open({
    symbols: sim.instruments.map((i) => spotSymbol(i)),
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: o.key, secret: o.secret, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => sim.clock.nowMs(),
    ...o.venue?.(sim),
  });
  venue = opened;
  const restCalls: string[] = [], wsMethods: string[] = [], wsSent: string[] = [];
  const privateApi: PrivateApi = {
    rest: (req) => (restCalls.push(`${req.method} ${new URL(req.url).pathname}`), opened.rest(req)),
    attach: (send, drop) => {
      const a = opened.attach((t) => (wsSent.push(t), send(t)), drop);
      return {
        onMessage: (text) => {
          wsMethods.push(methodOf(text));
          a.onMessage(text);
        },
        close: () => a.close(),
      };
    },
    shutdownStreams: (graceMs) => opened.shutdownStreams(graceMs),
  };
  const server = new SimServer(sim, {
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    tickMs: 0,
    chaosReloadMs: 0,
    shutdownGraceMs: 0,
    privateApi,
    ...o.server,
  });
  server.start();
  return {
    sim,
    venue: opened,
    server,
    restCalls,
    wsMethods,
    wsSent,
    close: async () => {
      await server.stop();
      await opened.close();
    },
  };
}

function methodOf(text: string): string {
  try {
    return String(JSON.parse(text).method);
  } catch {
    return "(unreadable)";
  }
}
