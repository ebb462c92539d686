#!/usr/bin/env -S deno run -A
// Place + ack round trip through the Binance spot connector beside a bare signed fetch of the same
// request, interleaved in one run against the same loopback venue; the connector's overhead is the
// p99 difference (target ≤ 0.5 ms). The venue is testing/binance_trade_double.ts until lib/sim serves
// the private API; then point it at the simulator. Run: ./tp bench --only connector
import { createHmac } from "node:crypto";
import { BinanceTradeDouble } from "../testing/binance_trade_double.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { BenchRow } from "./bench_row.ts";

const N = Number(Deno.env.get("CONNECTOR_BENCH_N") ?? "2000");
const KEY = "benchKey".repeat(8), SECRET = "benchSecret".repeat(6);
const venue = new BinanceTradeDouble(KEY, SECRET);
const spot = new BinanceSpot(
  {
    // The double's counters never reset: lift the limits so the bench measures the path, not the hold.
    rest: {
      baseUrl: venue.baseUrl,
      limits: { weightPerMinute: 1e12, ordersPer10s: 1e12, ordersPerDay: 1e12 },
    },
    userStream: { wsApiUrl: venue.wsApiUrl },
  },
  new ApiCredentials(KEY, SECRET),
  {
    rest: { fetch, now: () => Date.now() },
    userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
  },
);

async function bare(id: string): Promise<void> {
  const q =
    `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=100.00&newClientOrderId=${id}` +
    `&newOrderRespType=RESULT&recvWindow=5000&timestamp=${Date.now()}`;
  const body = `${q}&signature=${createHmac("sha256", SECRET).update(q).digest("hex")}`;
  const res = await fetch(`${venue.baseUrl}/api/v3/order`, {
    method: "POST",
    headers: { "X-MBX-APIKEY": KEY, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  if (res.status !== 200) throw new Error(`bare place answered ${res.status}: ${await res.text()}`);
  JSON.parse(await res.text());
}

async function viaConnector(id: string): Promise<void> {
  const out = await spot.place({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    clientOrderId: id,
    quantity: "0.01",
    price: "100.00",
  });
  if (out.kind !== "confirmed") throw new Error(`connector place: ${JSON.stringify(out)}`);
}

const q = (xs: number[], p: number) =>
  xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const conn: number[] = [], raw: number[] = [];
for (let i = 0; i < 200; i++) await (i % 2 ? bare(`w${i}`) : viaConnector(`w${i}`)); // warm-up
for (let i = 0; i < N; i++) {
  const order = i % 2 === 0;
  for (
    const [fn, into, id] of order
      ? [[viaConnector, conn, `c${i}`], [bare, raw, `b${i}`]] as const
      : [[bare, raw, `b${i}`], [viaConnector, conn, `c${i}`]] as const
  ) {
    const t = performance.now();
    await fn(id);
    into.push(performance.now() - t);
  }
}
await venue.close();
const overhead = q(conn, 0.99) - q(raw, 0.99);
const rows: BenchRow[] = [
  { name: "bare signed fetch place p50", value: q(raw, 0.5), unit: "ms", target: "-", ok: true },
  { name: "bare signed fetch place p99", value: q(raw, 0.99), unit: "ms", target: "-", ok: true },
  { name: "connector place p50", value: q(conn, 0.5), unit: "ms", target: "-", ok: true },
  { name: "connector place p99", value: q(conn, 0.99), unit: "ms", target: "-", ok: true },
  { name: "connector overhead p99", value: overhead, unit: "ms", target: "<= 0.5", ok: overhead <= 0.5 },
];
console.log(`connector bench: ${N} places each way, interleaved, loopback venue double`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(30)} ${r.value.toFixed(3).padStart(8)} ${r.unit}  target ${r.target}  ${
      r.ok ? "ok" : "MISSED"
    }`,
  );
}
