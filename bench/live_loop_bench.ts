#!/usr/bin/env -S deno run -A
// The live loop's two numbers (issue 12), each beside a floor measured in the same run on the same disk:
// (a) durable intents/s through the OMS journal (OmsJournal.intent on the hash-chained EventLog: every
//     intent fdatasync'ed before it resolves), one at a time and with concurrent submitters (group
//     commit), beside a bare write+fdatasync loop of lines of the same size in the same folder;
// (b) per order, LiveLoop.submitOrder to the ack (risk; the intent and `submitted` durable by one sync
//     when the worker is free; connector place; `accepted` applied once written, records.ts) beside a
//     bare connector place plus ONE durable write,
//     interleaved against the venue simulator's private API on loopback (testing/trading_sim.ts).
// (c) durable intents/s through LiveLoop.submitOrder with concurrent callers (the risk check is serial,
//     the durable wait is shared: group commit).
// Nothing fills and nothing is refused: the sim is never ticked (no prints), the limit price (1,000 USDT)
// is far under its market, the paper balance covers every order, the risk limits are far above what the
// run asks and the venue enforces no rate limits. The loop's log lines are formatted (JSON.stringify)
// but not written: stdout is not part of the loop's cost here.
// Run: ./tp bench --only live   (LIVE_BENCH_INTENTS=2000, LIVE_BENCH_N=1000, LIVE_BENCH_CONC=32)
import { realTimers } from "../lib/async/sleep.ts";
import { LiveLoop } from "../lib/live/loop.ts";
import { bootOms } from "../lib/oms/boot.ts";
import { EventLog } from "../lib/oms/event_log.ts";
import { OmsJournal } from "../lib/oms/journal.ts";
import { REC } from "../lib/oms/records.ts";
import type { NewOrder } from "../lib/oms/records.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { OrderRequest } from "../lib/trading/venue.ts";
import { startTradingSim } from "../testing/trading_sim.ts";
import type { BenchRow } from "./bench_row.ts";

const env = (k: string, d: number) => Number(Deno.env.get(k) ?? d);
const INTENTS = env("LIVE_BENCH_INTENTS", 2000);
const N = env("LIVE_BENCH_N", 1000);
const CONC = env("LIVE_BENCH_CONC", 32);
const WARMUP = 100;
const U = 100_000_000;
const SYMBOL = "BTCUSDT", VENUE = "binance-spot";
const PRICE = 1_000 * U, QTY = U / 100; // 0.01 BTC at 1,000 USDT: 10 USDT, over the 5 USDT minimum

// The state dir's disk: .local_tmp/ beside data/live/ (the loop's default state dir).
await Deno.mkdir(".local_tmp", { recursive: true });
const root = await Deno.makeTempDir({ dir: ".local_tmp", prefix: "live_bench_" });
const q = (xs: number[], p: number) =>
  xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

const newOrder = (id: string, corr: string): NewOrder => ({
  clientOrderId: id,
  symbol: SYMBOL,
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: QTY,
  price: PRICE,
  reduceOnly: false,
  strategy: "bench",
  correlationId: corr,
});

// ---- (a) durable intents per second ----

/** A bare write + fdatasync per line, `n` lines of `bytes` each: what one durable record costs here. */
async function floor(n: number, bytes: number): Promise<{ perS: number; p50: number }> {
  const path = `${root}/floor.jsonl`;
  const f = await Deno.open(path, { write: true, create: true, append: true });
  const line = new TextEncoder().encode("x".repeat(bytes - 1) + "\n");
  const each: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    let off = 0;
    while (off < line.length) off += await f.write(line.subarray(off));
    await f.syncData();
    each.push(performance.now() - s);
  }
  const secs = (performance.now() - t0) / 1000;
  f.close();
  return { perS: n / secs, p50: q(each, 0.5) };
}

/** Intents through a fresh journal, `conc` submitters at once; syncs counted by the log. */
async function intents(name: string, n: number, conc: number) {
  const dir = `${root}/${name}`;
  const boot = await bootOms(dir);
  let syncs = 0;
  const log = await EventLog.create(`${dir}/run.jsonl`, { now: Date.now, onSync: () => syncs++ });
  const j = new OmsJournal(boot.book, log, "bench");
  await j.record(REC.runStart, { runId: "bench-run1", tag: "bench" }, null);
  syncs = 0;
  let next = 0, bytes = 0;
  const worker = async () => {
    while (next < n) {
      const k = next++;
      const { id, counter } = j.nextClientOrderId();
      const r = await j.intent(newOrder(id, `corr-${k}`), counter);
      if ("refused" in r) throw new Error(`intent refused: ${r.refused}`);
      if (k === 0) bytes = JSON.stringify(r.record).length + 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, worker));
  const secs = (performance.now() - t0) / 1000;
  await log.close();
  if (j.book.toJSON().orders.length !== n) throw new Error(`${name}: ${n} intents, book disagrees`);
  return { perS: n / secs, perSync: n / syncs, bytes };
}

const serial = await intents("serial", INTENTS, 1);
const grouped = await intents("grouped", INTENTS, CONC);
const fl = await floor(INTENTS, serial.bytes);

// ---- (b) loop overhead per order ----

const KEY = "benchKey".repeat(8), SECRET = "benchSecret".repeat(6);
// The bare path trades on an account of its own: on the loop's, the loop's stream would see its orders
// and adopt them (journal work the loop would be charged for).
const BARE_KEY = "bareKey0".repeat(8), BARE_SECRET = "bareSecret0".repeat(6);
const t = await startTradingSim({
  key: KEY,
  secret: SECRET,
  sim: { startSimMs: Date.now() }, // the sim's clock is the wall's, as the loop's and the connector's
  venue: () => ({
    // 1,000,000 USDT in atoms: 100,000 orders of 10 USDT; amounts stay safe integers in the OMS.
    accounts: {
      paper: { balances: { USDT: 1e6 * U }, makerRate: 100_000, takerRate: 200_000 },
      bare: { balances: { USDT: 1e6 * U }, makerRate: 100_000, takerRate: 200_000 },
    },
    keys: [
      { key: KEY, secret: SECRET, account: "paper" },
      { key: BARE_KEY, secret: BARE_SECRET, account: "bare" },
    ],
  }),
});
const connector = (key: string, secret: string) =>
  new BinanceSpot(
    {
      rest: { baseUrl: `http://127.0.0.1:${t.server.port}/binance` },
      userStream: { wsApiUrl: `ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}` },
    },
    new ApiCredentials(key, secret),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
const spot = connector(KEY, SECRET), bareSpot = connector(BARE_KEY, BARE_SECRET);

// The ack: the loop's first `accepted` for the order (from the place answer or the stream); any other
// end (a rejection) fails the bench rather than hang it.
const acked = new Map<string, number>();
const failed = new Map<string, string>();
const waiters = new Map<string, () => void>();
const loop = new LiveLoop({
  stateDir: `${root}/loop`,
  mode: "paper",
  tag: "bench",
  symbols: [{ symbol: SYMBOL, base: "BTC", quote: "USDT", lotAtoms: 1 }],
  risk: {
    maxNotionalPerOrder: 1_000_000 * U,
    maxPosition: { [SYMBOL]: 1_000_000 * U },
    maxOpenOrders: 1_000_000,
    maxOrdersPerSecond: 1_000_000,
    priceCollarBps: 1_000,
    maxBarAgeMs: 3_600_000,
    maxDailyLoss: 1_000_000 * U,
    maxDrawdownBps: 10_000,
  },
  // config/live/paper.json's timings: they outlast the connector's request timeout, as the loop requires.
  inflight: { intervalMs: 2_000, thresholdMs: 5_000, retries: 5 },
  missingGraceMs: 12_000,
  flattenOnHalt: false,
  cancelOnShutdown: false,
}, {
  venue: spot,
  now: () => Date.now(),
  timers: realTimers,
  logger: (level, msg, fields) => {
    JSON.stringify({ level, msg, ...fields });
    if (msg !== "live_loop.order_processed") return;
    const id = fields!.clientOrderId as string;
    if (acked.has(id) || failed.has(id)) return;
    if (fields!.event === "accepted") acked.set(id, performance.now());
    else if (fields!.event !== "submitted") failed.set(id, JSON.stringify(fields));
    else return;
    waiters.get(id)?.();
  },
});
const started = await loop.start({ coldStart: true });
if (started.status !== "ready") throw new Error(`loop not ready: ${started.reason}`);
// The collar's reference: a close at the order's price (the sim's own market is never printed).
await loop.onBar({ symbol: SYMBOL, close: PRICE, closeTimeMs: Date.now() });
for (let i = 0; i < 200 && loop.snapshot().stream.state !== "up"; i++) {
  await new Promise((r) => setTimeout(r, 10));
}

async function viaLoop(k: string): Promise<{ total: number; intent: number }> {
  const t0 = performance.now();
  const r = await loop.submitOrder(VENUE, {
    symbol: SYMBOL,
    side: "BUY",
    type: "LIMIT",
    quantity: QTY,
    price: PRICE,
  }, `corr-${k}`);
  const t1 = performance.now();
  if (!r.ok) throw new Error(`loop submit ${k}: ${r.reason} ${r.detail}`);
  if (!acked.has(r.clientOrderId) && !failed.has(r.clientOrderId)) {
    await new Promise<void>((res) => waiters.set(r.clientOrderId, res));
    waiters.delete(r.clientOrderId);
  }
  if (failed.has(r.clientOrderId)) throw new Error(`loop order ${k}: ${failed.get(r.clientOrderId)}`);
  return { total: acked.get(r.clientOrderId)! - t0, intent: t1 - t0 };
}

const bareDir = `${root}/bare`;
await Deno.mkdir(bareDir, { recursive: true });
const bareLog = await EventLog.create(`${bareDir}/run.jsonl`, { now: Date.now });
const request = (id: string): OrderRequest => ({
  symbol: SYMBOL,
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  quantity: "0.01000000",
  price: "1000.00",
});
/** One durable write of the intent (the same record the loop logs), then the connector's place. */
async function bare(k: string): Promise<number> {
  const t0 = performance.now();
  const id = `bare-${k}`;
  await bareLog.append(REC.intent, { order: newOrder(id, `corr-${k}`), counter: 0 }, `corr-${k}`);
  const out = await bareSpot.place(request(id));
  if (out.kind !== "confirmed" || out.value.status !== "NEW") throw new Error(`bare place: ${out.kind}`);
  return performance.now() - t0;
}

const loopMs: number[] = [], intentMs: number[] = [], bareMs: number[] = [];
for (let i = 0; i < WARMUP; i++) await (i % 2 ? bare(`w${i}`) : viaLoop(`w${i}`));
const fsyncsBefore = loop.snapshot().store.fsync.count;
for (let i = 0; i < N; i++) {
  // Alternate which goes first, so neither always follows the other's garbage or socket reuse.
  const runLoop = async () => {
    const r = await viaLoop(`l${i}`);
    loopMs.push(r.total);
    intentMs.push(r.intent);
  };
  const runBare = async () => void bareMs.push(await bare(`b${i}`));
  if (i % 2 === 0) await runLoop().then(runBare);
  else await runBare().then(runLoop);
}
await loop.idle();
const loopSyncs = (loop.snapshot().store.fsync.count - fsyncsBefore) / N;

// Durable intents through the loop itself, CONC callers at once: submitOrder checks risk one order at a
// time (against the book plus admitted intents, so two submits cannot both pass a limit) and waits for
// the durable intent outside its lock, so concurrent intents share fsyncs. The worker sends meanwhile.
const LOOP_INTENTS = Math.min(INTENTS, 1000);
let nextLoop = 0;
const loopCaller = async () => {
  while (nextLoop < LOOP_INTENTS) {
    const k = nextLoop++;
    const r = await loop.submitOrder(VENUE, {
      symbol: SYMBOL,
      side: "BUY",
      type: "LIMIT",
      quantity: QTY,
      price: PRICE,
    }, `corr-c${k}`);
    if (!r.ok) throw new Error(`loop submit c${k}: ${r.reason} ${r.detail}`);
  }
};
const lt0 = performance.now();
await Promise.all(Array.from({ length: CONC }, loopCaller));
const loopIntentsPerS = LOOP_INTENTS / ((performance.now() - lt0) / 1000);
await loop.idle();
for (let i = 0; i < 500 && acked.size + failed.size < WARMUP / 2 + N + LOOP_INTENTS; i++) {
  await new Promise((r) => setTimeout(r, 10));
}
const accepted = loop.orders().filter((o) => o.state === "ACCEPTED").length;
const resting = t.venue.engine.orders.of("paper", SYMBOL, true).length +
  t.venue.engine.orders.of("bare", SYMBOL, true).length;
const filled = t.venue.engine.fills.length;
await loop.shutdown();
await bareLog.close();
await t.close();
await Deno.remove(root, { recursive: true });
const loopOrders = WARMUP / 2 + N + LOOP_INTENTS;
if (resting !== loopOrders + WARMUP / 2 + N || filled !== 0 || accepted !== loopOrders) {
  throw new Error(
    `expected ${loopOrders + WARMUP / 2 + N} resting orders (${loopOrders} the loop's), no fills; ` +
      `got ${resting} (${accepted}), ${filled}`,
  );
}

const over50 = q(loopMs, 0.5) - q(bareMs, 0.5), over99 = q(loopMs, 0.99) - q(bareMs, 0.99);
const info = (name: string, value: number, unit: string): BenchRow => ({
  name,
  value,
  unit,
  target: "-",
  ok: true,
});
const rows: BenchRow[] = [
  info("floor: bare write+fdatasync", fl.perS, "/s"),
  info("floor: fdatasync p50", fl.p50, "ms"),
  info("journal intents, one at a time", serial.perS, "/s"),
  info("journal intents one at a time / floor", serial.perS / fl.perS, "x"),
  {
    name: `journal intents, ${CONC} submitters (group)`,
    value: grouped.perS,
    unit: "/s",
    target: ">= 1000",
    ok: grouped.perS >= 1000,
  },
  info(`journal intents per fdatasync, ${CONC} subm.`, grouped.perSync, "n"),
  {
    name: `loop submitOrder intents, ${CONC} callers`,
    value: loopIntentsPerS,
    unit: "/s",
    target: ">= 1000",
    ok: loopIntentsPerS >= 1000,
  },
  info("bare place + 1 durable write p50", q(bareMs, 0.5), "ms"),
  info("bare place + 1 durable write p99", q(bareMs, 0.99), "ms"),
  info("loop submitOrder->ack p50", q(loopMs, 0.5), "ms"),
  info("loop submitOrder->ack p99", q(loopMs, 0.99), "ms"),
  info("loop submitOrder resolve p50", q(intentMs, 0.5), "ms"),
  info("loop fdatasyncs per order", loopSyncs, "n"),
  info("loop overhead p50", over50, "ms"),
  { name: "loop overhead p99", value: over99, unit: "ms", target: "<= 2", ok: over99 <= 2 },
];
console.log(
  `live loop bench: ${INTENTS} intents per journal run (floor: ${INTENTS} bare syncs of ${serial.bytes} B ` +
    `lines); ${N} orders each way, interleaved, then ${LOOP_INTENTS} loop submits from ${CONC} callers, against the venue simulator's private API on loopback ` +
    `(${resting} resting at the end, none filled)`,
);
console.log(`${"name".padEnd(38)} ${"value".padStart(10)} unit  target    met`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(38)} ${r.value.toFixed(3).padStart(10)} ${r.unit.padEnd(4)}  ${r.target.padEnd(8)}  ${
      r.target === "-" ? "-" : r.ok ? "met" : "NOT met"
    }`,
  );
}
