// Chaos over real WebSockets: what each client observes (malformed, bad values, duplicates,
// reorders, stalls, cuts, drops) equals what the simulator's chaos log says it injected.
import assert from "node:assert/strict";
import type { Venue } from "../lib/market/types.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { generateTrades } from "../lib/sim/market.ts";
import { START_MS, startSim, TestClient, type TestSim } from "./venue_sim_helpers.ts";

const SUBSCRIBE: Record<Venue, [string, unknown, (f: string) => boolean]> = {
  binance: [
    "/binance/ws",
    { method: "SUBSCRIBE", params: ["btcusdt@trade", "ethusdt@trade"], id: 1 },
    (f) => f.includes('"id":1'),
  ],
  bybit: [
    "/bybit/v5/public/spot",
    { op: "subscribe", args: ["publicTrade.BTCUSDT", "publicTrade.ETHUSDT"] },
    (f) => f.includes('"op":"subscribe"'),
  ],
  okx: ["/okx/ws/v5/public", {
    op: "subscribe",
    args: [{ channel: "trades", instId: "BTC-USDT" }, { channel: "trades", instId: "ETH-USDT" }],
  }, (f) => f.includes("ETH-USDT") && f.includes('"event"')],
  kraken: ["/kraken/v2", {
    method: "subscribe",
    params: { channel: "trade", symbol: ["BTC/USDT", "ETH/USDT"] },
    req_id: 1,
  }, (f) => f.includes("ETH/USDT") && f.includes('"success"')],
};
const FENCE: Record<Venue, [unknown, (f: string) => boolean]> = {
  binance: [{ method: "LIST_SUBSCRIPTIONS", id: 99 }, (f) => f.includes('"id":99')],
  bybit: [{ op: "ping", req_id: "fence" }, (f) => f.includes('"fence"')],
  okx: ["ping", (f) => f === "pong"],
  kraken: [{ method: "ping", req_id: 99 }, (f) => f.includes('"pong"')],
};

interface Seen {
  symbol: string;
  id: bigint;
  bad: boolean;
}

/** One trade out of a data frame in the venue's own shape; null for non-trade frames. */
function readTrade(venue: Venue, f: Record<string, unknown>): Seen | null {
  // deno-lint-ignore no-explicit-any
  const m = f as any;
  const neg = (x: unknown) => x === "NaN" || Number(x) < 0;
  switch (venue) {
    case "binance":
      return m.e === "trade" ? { symbol: m.s, id: BigInt(m.t), bad: neg(m.p) || neg(m.q) } : null;
    case "bybit":
      return m.topic?.startsWith("publicTrade.")
        ? { symbol: m.data[0].s, id: BigInt(m.data[0].i), bad: neg(m.data[0].p) || neg(m.data[0].v) }
        : null;
    case "okx":
      return m.arg?.channel === "trades" && m.data
        ? {
          symbol: m.data[0].instId,
          id: BigInt(m.data[0].tradeId),
          bad: neg(m.data[0].px) || neg(m.data[0].sz),
        }
        : null;
    case "kraken":
      return m.channel === "trade"
        ? {
          symbol: m.data[0].symbol,
          id: BigInt(m.data[0].trade_id),
          bad: typeof m.data[0].price !== "number" || m.data[0].qty < 0,
        }
        : null;
  }
}

async function subscribe(t: TestSim, venue: Venue): Promise<TestClient> {
  const [path, msg, acked] = SUBSCRIBE[venue];
  const c = await TestClient.connect(t.ws + path);
  c.send(msg);
  await c.until(acked);
  return c;
}

async function drain(c: TestClient, venue: Venue): Promise<string[]> {
  c.send(FENCE[venue][0]);
  return (await c.until(FENCE[venue][1])).slice(0, -1);
}

const VENUES: Venue[] = ["binance", "bybit", "okx", "kraken"];

Deno.test("frame chaos: client-observed malformed / bad / duplicate / reordered counts equal the chaos log", async () => {
  const dir = await Deno.makeTempDir();
  const log = JsonlWriter.open(`${dir}/chaos.jsonl`);
  const t = startSim({
    chaos: { malformedRate: 0.04, badValueRate: 0.04, duplicateRate: 0.04, reorderRate: 0.04 },
    chaosLog: log,
  });
  const clients = new Map<Venue, TestClient>();
  try {
    for (const v of VENUES) clients.set(v, await subscribe(t, v));
    for (let i = 0; i < 240; i++) t.advance(1_000);
    const truth = generateTrades(t.market, START_MS + 240_001);
    const observed: Record<string, number> = {};
    const bump = (k: string) => (observed[k] = (observed[k] ?? 0) + 1);
    const seenIds = new Map<Venue, Set<string>>();
    for (const v of VENUES) {
      const maxId = new Map<string, bigint>();
      const ids = new Set<string>();
      seenIds.set(v, ids);
      for (const raw of await drain(clients.get(v)!, v)) {
        let f;
        try {
          f = JSON.parse(raw);
        } catch {
          bump(`${v}|malformed`);
          continue;
        }
        const tr = readTrade(v, f);
        if (!tr) continue;
        const key = `${tr.symbol}|${tr.id}`;
        if (tr.bad) bump(`${v}|bad_value`);
        if (ids.has(key)) bump(`${v}|duplicate`);
        else if (tr.id < (maxId.get(tr.symbol) ?? -1n)) bump(`${v}|reorder`);
        ids.add(key);
        if (tr.id > (maxId.get(tr.symbol) ?? -1n)) maxId.set(tr.symbol, tr.id);
      }
    }
    log.close();
    const events = (await Deno.readTextFile(`${dir}/chaos.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const injected: Record<string, number> = {};
    for (const e of events) injected[`${e.venue}|${e.kind}`] = (injected[`${e.venue}|${e.kind}`] ?? 0) + 1;
    const frameKinds = (r: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(r).filter(([k]) => /\|(malformed|bad_value|duplicate|reorder)$/.test(k)).sort(),
      );
    assert.deepEqual(frameKinds(observed), frameKinds(injected));
    for (const v of VENUES) {
      for (const k of ["malformed", "bad_value", "duplicate", "reorder"]) {
        assert.ok(injected[`${v}|${k}`] > 0, `${v} ${k}`);
      }
    }
    // Conservation: every generated trade was seen by the client or is named in the log as lost.
    for (const v of VENUES) {
      const lost = new Set(
        events.filter((e) => e.venue === v && (e.kind === "malformed" || e.kind === "reorder_lost")).map((
          e,
        ) => e.tradeId),
      );
      const sent = new Set([...seenIds.get(v)!].map((k) => k.split("|")[1]));
      const all = truth.filter((x) => x.venue === v).map((x) => x.tradeId);
      assert.equal(all.filter((id) => !sent.has(id) && !lost.has(id)).length, 0, v);
      assert.equal(sent.size + [...lost].filter((id) => !sent.has(id)).length, all.length, v);
    }
  } finally {
    for (const c of clients.values()) await c.close();
    await t.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jitter delays frames but keeps their order; each delayed frame is logged", async () => {
  const t = startSim({ venues: ["binance"], chaos: { jitterMs: 3 } });
  const c = await subscribe(t, "binance");
  try {
    for (let i = 0; i < 5; i++) t.advance(1_000);
    const frames = (await drain(c, "binance")).map((f) => JSON.parse(f));
    const want = generateTrades(t.market, START_MS + 5_001).filter((x) => x.venue === "binance");
    assert.deepEqual(frames.map((f) => String(f.t)), want.map((x) => x.tradeId));
    assert.equal(t.sim.chaosLog.counts.jitter, c.frames.length); // ack, trades and the fence reply
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("planned cut: Binance sends serverShutdown then closes 1001, OKX a 64008 notice, others 1001", async () => {
  const t = startSim();
  const clients = new Map<Venue, TestClient>();
  try {
    for (const v of VENUES) clients.set(v, await subscribe(t, v));
    t.advance(1_500);
    for (const v of VENUES) await drain(clients.get(v)!, v);
    t.sim.cutAll();
    const bin = clients.get("binance")!;
    assert.equal(await bin.next(), `{"e":"serverShutdown","E":${START_MS + 1_500}}`);
    assert.equal((await bin.closed).code, 1001);
    const okx = clients.get("okx")!;
    const notice = JSON.parse(await okx.next());
    assert.deepEqual([notice.event, notice.code], ["notice", "64008"]);
    for (const v of VENUES) assert.equal((await clients.get(v)!.closed).code, 1001, v);
    assert.equal(t.sim.chaosLog.counts.cut, 4);
  } finally {
    for (const c of clients.values()) await c.close();
    await t.stop();
  }
});

Deno.test("chaos file: stall a symbol now, then recover; one-shot drop by nonce; cutEveryS", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/chaos.json`;
  const t = startSim({ venues: ["okx", "bybit"], chaosFile: file, chaos: { cutEveryS: 3_600 } });
  const okx = await subscribe(t, "okx");
  const bybit = await subscribe(t, "bybit");
  try {
    await Deno.writeTextFile(file, JSON.stringify({ stall: [{ venue: "okx", symbol: "BTC-USDT" }] }));
    t.sim.reloadChaos();
    t.advance(10_000);
    const during = (await drain(okx, "okx")).map((f) => JSON.parse(f));
    const first = generateTrades(t.market, START_MS + 10_001).filter((x) => x.venue === "okx");
    assert.deepEqual(
      during.map((f) => f.data[0].instId),
      first.filter((x) => x.inst.symbol === "ETH-USDT").map(() => "ETH-USDT"),
    );
    assert.equal(t.sim.chaosLog.counts.stalled, first.filter((x) => x.inst.symbol === "BTC-USDT").length);
    assert.equal(okx.ws.readyState, WebSocket.OPEN); // silent: no close

    await Deno.writeTextFile(file, "{}");
    t.sim.reloadChaos();
    t.advance(10_000);
    const after = (await drain(okx, "okx")).map((f) => JSON.parse(f).data[0].tradeId);
    const second = generateTrades(t.market, START_MS + 20_001).filter((x) =>
      x.venue === "okx" && x.timeMs > START_MS + 10_000
    );
    assert.deepEqual(after, second.map((x) => x.tradeId));
    assert.equal(t.sim.chaosLog.counts.config, 2);

    await Deno.writeTextFile(file, JSON.stringify({ dropNow: { nonce: "a", venue: "bybit" } }));
    t.sim.reloadChaos();
    t.sim.reloadChaos(); // same nonce: no second drop
    assert.equal((await bybit.closed).code, 1011);
    assert.equal(t.sim.chaosLog.counts.drop, 1);
    assert.equal(okx.ws.readyState, WebSocket.OPEN);

    t.wall.advance(3_600_000);
    t.sim.tick();
    assert.equal((await okx.closed).code, 1001);
    assert.equal(t.sim.chaosLog.counts.cut, 1);
  } finally {
    await okx.close();
    await bybit.close();
    await t.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
