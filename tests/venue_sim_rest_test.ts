// REST klines of every venue equal an independent aggregation of the ground-truth JSONL (trades
// the clients never received included), in each venue's row shape and order; plus /sim/* reads.
import assert from "node:assert/strict";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { START_MS, startSim, TestClient, WALL0 } from "./venue_sim_helpers.ts";

interface Truth {
  venue: string;
  symbol: string;
  tradeId: string;
  price: number;
  size: number;
  side: string;
  venueTimeMs: number;
}
interface Ref {
  open: number;
  o: number;
  h: number;
  l: number;
  c: number;
  lots: number;
  n: number;
}

/** Reference bars from the ground truth (sizes as integer lots so sums are exact). */
function refBars(truth: Truth[], venue: string, symbol: string, spanMs: number, lotDecimals: number): Ref[] {
  const out = new Map<number, Ref>();
  for (const t of truth) {
    if (t.venue !== venue || t.symbol !== symbol) continue;
    const open = t.venueTimeMs - (t.venueTimeMs % spanMs);
    const lots = Math.round(t.size * 10 ** lotDecimals);
    const r = out.get(open);
    if (!r) out.set(open, { open, o: t.price, h: t.price, l: t.price, c: t.price, lots, n: 1 });
    else {Object.assign(r, {
        h: Math.max(r.h, t.price),
        l: Math.min(r.l, t.price),
        c: t.price,
        lots: r.lots + lots,
        n: r.n + 1,
      });}
  }
  return [...out.values()].sort((a, b) => a.open - b.open);
}

const SIM_END = START_MS + 125 * 60_000; // 125 closed minutes, 2 closed hours, minute 125 forming

Deno.test("REST klines equal the ground-truth aggregation on all four venues", async () => {
  const dir = await Deno.makeTempDir();
  const gt = JsonlWriter.open(`${dir}/gt.jsonl`);
  const chaosLog = JsonlWriter.open(`${dir}/chaos.jsonl`);
  const t = startSim({
    tradeRate: 0.5,
    chaos: { stall: [{ venue: "binance", symbol: "BTC-USDT" }] },
    groundTruth: gt,
    chaosLog,
  });
  const c = await TestClient.connect(`${t.ws}/binance/ws`);
  try {
    c.send({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 1 });
    assert.equal(await c.next(), '{"result":null,"id":1}');
    for (let i = 0; i < 25; i++) t.advance(5 * 60_000); // a stalled client: nothing delivered
    c.send({ method: "LIST_SUBSCRIPTIONS", id: 2 });
    assert.equal(await c.next(), '{"result":["btcusdt@trade"],"id":2}');
    gt.close();
    const truth: Truth[] = (await Deno.readTextFile(`${dir}/gt.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(
      t.sim.tradesByVenue,
      Object.fromEntries(
        ["binance", "bybit", "okx", "kraken"].map((v) => [v, truth.filter((x) => x.venue === v).length]),
      ),
    );
    const stalled = truth.filter((x) => x.venue === "binance" && x.symbol === "BTC-USDT").length;
    assert.equal(t.sim.chaosLog.counts.stalled, stalled);
    const get = async (path: string) => {
      const res = await fetch(t.base + path);
      return { status: res.status, body: await res.json() };
    };

    // Binance: ascending rows, closed bars only, startTime/endTime/limit.
    const ref1m = refBars(truth, "binance", "BTC-USDT", 60_000, 6).filter((r) => r.open < SIM_END);
    const bin = await get(
      `/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${START_MS}&endTime=${SIM_END}&limit=1000`,
    );
    assert.equal(bin.status, 200);
    assert.equal(bin.body.length, 125);
    assert.deepEqual(bin.body.map((r: unknown[]) => r[0]), ref1m.map((r) => r.open));
    bin.body.forEach((row: unknown[], i: number) => {
      const r = ref1m[i];
      assert.equal(row.length, 12);
      assert.deepEqual(row.slice(1, 6).map(Number), [r.o, r.h, r.l, r.c, r.lots / 1e6]);
      assert.ok(row.slice(1, 6).every((x) => typeof x === "string" && /^\d+\.\d{8}$/.test(x as string)));
      assert.deepEqual([row[6], row[8], row[11]], [r.open + 59_999, r.n, "0"]);
    });
    const first5 = await get(
      `/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${START_MS}&limit=5`,
    );
    assert.deepEqual(first5.body.map((r: unknown[]) => r[0]), ref1m.slice(0, 5).map((r) => r.open));
    const last5 = await get(`/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5`);
    assert.deepEqual(last5.body.map((r: unknown[]) => r[0]), ref1m.slice(-5).map((r) => r.open));
    const bin1h = await get(`/binance/api/v3/klines?symbol=ETHUSDT&interval=1h`);
    const refEthH = refBars(truth, "binance", "ETH-USDT", 3_600_000, 4).slice(0, 2);
    assert.deepEqual(
      bin1h.body.map((r: unknown[]) => [r[0], ...r.slice(1, 6).map(Number), r[8]]),
      refEthH.map((r) => [r.open, r.o, r.h, r.l, r.c, r.lots / 1e4, r.n]),
    );

    // Bybit: newest first, string rows of 7.
    const by = await get(
      `/bybit/v5/market/kline?category=spot&symbol=ETHUSDT&interval=1&start=${START_MS}&end=${SIM_END}&limit=1000`,
    );
    const refBy = refBars(truth, "bybit", "ETH-USDT", 60_000, 4).filter((r) => r.open < SIM_END).reverse();
    assert.deepEqual([by.body.retCode, by.body.result.category, by.body.result.symbol], [
      0,
      "spot",
      "ETHUSDT",
    ]);
    assert.deepEqual(
      by.body.result.list.map((r: string[]) => [Number(r[0]), ...r.slice(1, 6).map(Number)]),
      refBy.map((r) => [r.open, r.o, r.h, r.l, r.c, r.lots / 1e4]),
    );
    assert.ok(
      by.body.result.list.every((r: unknown[]) => r.length === 7 && r.every((x) => typeof x === "string")),
    );

    // OKX: newest first, `after` is exclusive and older, 9 strings with confirm "1".
    const ok = await get(
      `/okx/api/v5/market/candles?instId=BTC-USDT&bar=1m&after=${START_MS + 10 * 60_000}&limit=5`,
    );
    const refOk = refBars(truth, "okx", "BTC-USDT", 60_000, 6).slice(5, 10).reverse();
    assert.equal(ok.body.code, "0");
    assert.deepEqual(
      ok.body.data.map((r: string[]) => [Number(r[0]), ...r.slice(1, 6).map(Number), r[8]]),
      refOk.map((r) => [r.open, r.o, r.h, r.l, r.c, r.lots / 1e6, "1"]),
    );
    const okH = await get(`/okx/api/v5/market/candles?instId=BTC-USDT&bar=1H`);
    assert.deepEqual(okH.body.data.map((r: string[]) => Number(r[0])), [START_MS + 3_600_000, START_MS]);

    // Kraken: rows of 8 with time in seconds, `since` exclusive, `last` = newest committed bar.
    const kr = await get(`/kraken/0/public/OHLC?pair=XBTUSDT&interval=1&since=${START_MS / 1000 + 60 * 100}`);
    const refKr = refBars(truth, "kraken", "BTC-USDT", 60_000, 6).filter((r) =>
      r.open > START_MS + 6_000_000 && r.open < SIM_END
    );
    assert.deepEqual(kr.body.error, []);
    assert.equal(kr.body.result.last, (SIM_END - 60_000) / 1000);
    assert.deepEqual(
      kr.body.result.XBTUSDT.map((r: unknown[]) => [r[0], ...r.slice(1, 5).map(Number), Number(r[6]), r[7]]),
      refKr.map((r) => [r.open / 1000, r.o, r.h, r.l, r.c, r.lots / 1e6, r.n]),
    );
  } finally {
    await c.close();
    await t.stop();
    chaosLog.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("REST errors in each venue's style; GET only; /sim/clock and /sim/health", async () => {
  const t = startSim({ venues: ["binance", "bybit", "okx", "kraken"] });
  try {
    t.advance(90_000);
    const body = async (path: string, init?: RequestInit) => {
      const res = await fetch(t.base + path, init);
      return [res.status, await res.text()] as const;
    };
    assert.deepEqual(await body("/binance/api/v3/klines?symbol=FOOUSDT&interval=1m"), [
      400,
      '{"code":-1121,"msg":"Invalid symbol."}',
    ]);
    assert.deepEqual(await body("/binance/api/v3/klines?symbol=BTCUSDT&interval=7m"), [
      400,
      '{"code":-1120,"msg":"Invalid interval."}',
    ]);
    assert.equal(
      JSON.parse((await body("/bybit/v5/market/kline?category=spot&symbol=FOO&interval=1"))[1]).retCode,
      10001,
    );
    assert.deepEqual(await body("/okx/api/v5/market/candles?instId=FOO-USDT"), [
      200,
      '{"code":"51001","msg":"Instrument ID does not exist.","data":[]}',
    ]);
    assert.deepEqual(await body("/kraken/0/public/OHLC?pair=FOO"), [
      200,
      '{"error":["EQuery:Unknown asset pair"]}',
    ]);
    assert.equal(
      (await body("/binance/api/v3/klines?symbol=BTCUSDT&interval=1m", { method: "POST" }))[0],
      405,
    );
    assert.equal((await body("/binance/ws"))[0], 426);
    assert.equal((await body("/nope"))[0], 404);
    assert.deepEqual(JSON.parse((await body("/sim/clock"))[1]), {
      simNowMs: START_MS + 90_000,
      speed: 1,
      wallNowMs: WALL0 + 90_000,
      startSimMs: START_MS,
    });
    const health = JSON.parse((await body("/sim/health"))[1]);
    assert.deepEqual([health.ok, health.simNowMs, health.connections], [true, START_MS + 90_000, {
      binance: 0,
      bybit: 0,
      okx: 0,
      kraken: 0,
    }]);
  } finally {
    await t.stop();
  }
});
