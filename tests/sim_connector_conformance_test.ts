// The connector against the venue simulator's own Binance private API (real HTTP and WebSocket on
// loopback): the same venue-neutral checks the trading double passes, now on lib/sim's matching
// engine, signed REST and WebSocket API. A wire mismatch between the two sides fails here.
import { ManualWall } from "../lib/sim/clock.ts";
import { PRIVATE_WS_PATH, SimServer } from "../lib/sim/sim_server.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import { TradingVenue } from "../lib/sim/trading/venue.ts";
import { VenueSim } from "../lib/sim/venue_sim.ts";
import { binanceConformance } from "../testing/binance_conformance.ts";
import { KEY, limit, SECRET } from "../testing/binance_connector.ts";

binanceConformance("venue simulator", async () => {
  let venue: TradingVenue | null = null;
  const sim = new VenueSim({
    seed: 11,
    startSimMs: Date.now(),
    speed: 1,
    symbols: ["BTC-USDT"],
    venues: ["binance"],
    tradeRate: 5,
    wallNow: new ManualWall(1_000_000).now,
    onTrade: (t) => venue?.onTrade(t),
  });
  venue = await TradingVenue.open({
    symbols: sim.instruments.map((i) => spotSymbol(i)),
    accounts: { paper: { balances: { USDT: 1e12, BTC: 1e8 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => sim.clock.nowMs(),
  });
  const server = new SimServer(sim, {
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    tickMs: 0,
    chaosReloadMs: 0,
    privateApi: venue,
  });
  server.start();
  return {
    restUrl: `http://127.0.0.1:${server.port}/binance`,
    wsApiUrl: `ws://127.0.0.1:${server.port}${PRIVATE_WS_PATH}`,
    apiKey: KEY,
    secret: SECRET,
    // Far below the sim's BTC market (near its instrument's start price), above the 5 USDT minimum
    // notional: accepted and never filled.
    resting: (id) => ({ ...limit(id), price: "1000.00", quantity: "0.01000000" }),
    close: async () => {
      await server.stop();
      await venue!.close();
    },
  };
});
