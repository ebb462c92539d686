#!/usr/bin/env -S deno run -A
// Place + ack round trip through the Binance spot connector beside a bare signed fetch of the identical
// request (same body up to the client id, timestamp and signature; same headers), interleaved in one run
// against the venue simulator's private API on loopback (testing/trading_sim.ts: the real signed REST,
// matching engine and order book). The connector's overhead is the p99 difference (target ≤ 0.5 ms).
// Nothing fills and nothing runs out: the sim is never ticked (no prints, so no order ever crosses),
// the paper balance covers every order, and the venue enforces no rate limits.
// Run: ./tp bench --only connector   (CONNECTOR_BENCH_N=2000 places each way by default)
import { createHmac } from "node:crypto";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { BinanceSpot, placeParams } from "../lib/trading/binance_spot.ts";
import { encodeParams } from "../lib/trading/binance_sign.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { OrderRequest } from "../lib/trading/venue.ts";
import { startTradingSim } from "../testing/trading_sim.ts";
import type { BenchRow } from "./bench_row.ts";

const N = Number(Deno.env.get("CONNECTOR_BENCH_N") ?? "2000");
const WARMUP = 200;
const KEY = "benchKey".repeat(8), SECRET = "benchSecret".repeat(6);
const t = await startTradingSim({
  key: KEY,
  secret: SECRET,
  sim: { startSimMs: Date.now() }, // the sim's clock is the wall's: the bare request's timestamp is Date.now()
  venue: () => ({
    // 10 USDT an order: room for 1,000,000 of them (atoms stay exact integers).
    accounts: { paper: { balances: { USDT: 1e15 }, makerRate: 100_000, takerRate: 200_000 } },
  }),
});
const baseUrl = `http://127.0.0.1:${t.server.port}/binance`;
const spot = new BinanceSpot(
  { rest: { baseUrl }, userStream: { wsApiUrl: `ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}` } },
  new ApiCredentials(KEY, SECRET),
  {
    rest: { fetch, now: () => Date.now() },
    userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
  },
);

/** Far below the sim's BTC market (~60000) and above the 5 USDT minimum notional. */
const request = (id: string): OrderRequest => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  quantity: "0.01000000",
  price: "1000.00",
});

/** The connector's own wire form (placeParams, recvWindow, timestamp, signature), sent by hand. */
async function bare(id: string): Promise<void> {
  const q = `${encodeParams(placeParams(request(id)))}&recvWindow=5000&timestamp=${Date.now()}`;
  const body = `${q}&signature=${createHmac("sha256", SECRET).update(q).digest("hex")}`;
  const res = await fetch(`${baseUrl}/api/v3/order`, {
    method: "POST",
    headers: { "X-MBX-APIKEY": KEY, "Content-Type": "application/x-www-form-urlencoded" },
    body,
    redirect: "manual",
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`bare place answered ${res.status}: ${text}`);
  if (JSON.parse(text).status !== "NEW") throw new Error(`bare place: not NEW: ${text}`);
}

async function viaConnector(id: string): Promise<void> {
  const out = await spot.place(request(id));
  if (out.kind !== "confirmed" || out.value.status !== "NEW") {
    throw new Error(`connector place: ${JSON.stringify(out)}`);
  }
}

const q = (xs: number[], p: number) =>
  xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const conn: number[] = [], raw: number[] = [];
for (let i = 0; i < WARMUP; i++) await (i % 2 ? bare(`w${i}`) : viaConnector(`w${i}`));
for (let i = 0; i < N; i++) {
  // Alternate which goes first, so neither always follows the other's garbage or socket reuse.
  const pair = i % 2 === 0
    ? [[viaConnector, conn, `c${i}`], [bare, raw, `b${i}`]] as const
    : [[bare, raw, `b${i}`], [viaConnector, conn, `c${i}`]] as const;
  for (const [fn, into, id] of pair) {
    const t0 = performance.now();
    await fn(id);
    into.push(performance.now() - t0);
  }
}
const resting = t.venue.engine.orders.of("paper", "BTCUSDT", true).length;
const filled = t.venue.engine.fills.length;
await t.close();
if (resting !== WARMUP + 2 * N || filled !== 0) {
  throw new Error(`expected ${WARMUP + 2 * N} resting orders and no fills, got ${resting} and ${filled}`);
}
const overhead = q(conn, 0.99) - q(raw, 0.99);
const rows: BenchRow[] = [
  { name: "bare signed fetch place p50", value: q(raw, 0.5), unit: "ms", target: "-", ok: true },
  { name: "bare signed fetch place p99", value: q(raw, 0.99), unit: "ms", target: "-", ok: true },
  { name: "connector place p50", value: q(conn, 0.5), unit: "ms", target: "-", ok: true },
  { name: "connector place p99", value: q(conn, 0.99), unit: "ms", target: "-", ok: true },
  {
    name: "connector overhead p50",
    value: q(conn, 0.5) - q(raw, 0.5),
    unit: "ms",
    target: "-",
    ok: true,
  },
  { name: "connector overhead p99", value: overhead, unit: "ms", target: "<= 0.5", ok: overhead <= 0.5 },
];
console.log(
  `connector bench: ${N} places each way, interleaved, against the venue simulator's private API ` +
    `on loopback (${resting} orders resting at the end, none filled)`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(30)} ${r.value.toFixed(3).padStart(8)} ${r.unit}  target ${r.target}  ${
      r.ok ? "ok" : "MISSED"
    }`,
  );
}
