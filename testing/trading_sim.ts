// The venue simulator with its Binance private API on loopback (real HTTP and WebSocket API), for tests:
// one BTC-USDT Binance market whose trades drive the paper matching engine, one paper account, one key.
import type { SimTrade } from "../lib/sim/market.ts";
import { SimServer, type SimServerOptions } from "../lib/sim/sim_server.ts";
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
  const server = new SimServer(sim, {
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    tickMs: 0,
    chaosReloadMs: 0,
    shutdownGraceMs: 0,
    privateApi: opened,
    ...o.server,
  });
  server.start();
  return {
    sim,
    venue: opened,
    server,
    close: async () => {
      await server.stop();
      await opened.close();
    },
  };
}
