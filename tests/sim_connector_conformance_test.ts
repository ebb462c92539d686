// The connector against the venue simulator's own Binance private API (real HTTP and WebSocket on
// loopback): the venue-neutral checks of testing/binance_conformance.ts on lib/sim's matching engine,
// signed REST and WebSocket API. A wire mismatch between the two sides fails here.
import { ManualWall } from "../lib/sim/clock.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { binanceConformance } from "../testing/binance_conformance.ts";
import { KEY, limit, SECRET } from "../testing/binance_connector.ts";
import { startTradingSim } from "../testing/trading_sim.ts";

binanceConformance("venue simulator", async () => {
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: Date.now(), wallNow: new ManualWall(1_000_000).now },
    venue: () => ({
      accounts: { paper: { balances: { USDT: 1e12, BTC: 1e8 }, makerRate: 100_000, takerRate: 200_000 } },
    }),
  });
  return {
    restUrl: `http://127.0.0.1:${t.server.port}/binance`,
    wsApiUrl: `ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}`,
    apiKey: KEY,
    secret: SECRET,
    // Far below the sim's BTC market (near its instrument's start price), above the 5 USDT minimum
    // notional: accepted and never filled.
    resting: (id) => ({ ...limit(id), price: "1000.00", quantity: "0.01000000" }),
    close: () => t.close(),
  };
});
