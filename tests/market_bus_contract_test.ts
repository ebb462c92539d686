// One contract, two market buses: the in-process one and JetStream on a real nats-server (started by
// lib/bus/nats_cluster.ts on free ports, a fresh server and store per case). Order, resuming from a
// stream position, duplicates collapsing by message id (two publishers of one bar store one copy),
// a full outbox refusing and counting, subject tokens refused with one clear error, and — JetStream
// only, the in-process bus has no server to lose — a publish that outlives a server restart and lands
// once under its original id.
import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { type BusConfig, resolveBusConfig } from "../lib/bus/bus_config.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import type { BusBar, MarketBus, SubscribeOptions } from "../lib/bus/market_bus.ts";
import { MemoryBus } from "../lib/bus/memory_bus.ts";
import { type NatsHandle, startNats } from "../lib/bus/nats_cluster.ts";
import { OutboxFullError } from "../lib/bus/outbox.ts";
import type { ClosedBar, Trade } from "../lib/market/types.ts";
import { sampleBars } from "../testing/sample_bars.ts";

interface Setup {
  readonly bus: MarketBus;
  /** Another publisher on the same bus (a second feed: its own connection where there is one). */
  another(): Promise<MarketBus>;
  /** The server, where there is one. */
  readonly nats: NatsHandle | null;
  close(): Promise<void>;
}

interface Impl {
  readonly name: string;
  open(env?: Record<string, string>): Promise<Setup>;
}

const IMPLS: Impl[] = [
  {
    name: "in-process",
    open(env = {}) {
      const bus = new MemoryBus({ config: resolveBusConfig(env) });
      // One process, one bus: a second publisher (a second venue connection) shares it.
      return Promise.resolve({
        bus,
        another: () => Promise.resolve(bus),
        nats: null,
        close: () => bus.close(),
      });
    },
  },
  {
    name: "JetStream",
    async open(env = {}) {
      const nats = await startNats();
      const config: BusConfig = resolveBusConfig({
        BUS_URL: nats.urls.join(","),
        BUS_ACK_TIMEOUT_MS: "500",
        ...env,
      });
      const opened: MarketBus[] = [];
      const open = async () => {
        const b = await JetStreamBus.open(config);
        opened.push(b);
        return b;
      };
      try {
        const bus = await open();
        return {
          bus,
          another: open,
          nats,
          async close() {
            for (const b of opened) await b.close(1000);
            await nats.stop();
          },
        };
      } catch (err) {
        await nats.stop();
        throw err;
      }
    },
  },
];

const BTC = sampleBars({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 4,
  firstOpenTimeMs: 1_700_000_040_000,
  basePrice: 65_000,
});
const ETH = sampleBars({
  venue: "okx",
  symbol: "ETH-USDT",
  interval: "1m",
  count: 2,
  firstOpenTimeMs: 1_700_000_040_000,
  basePrice: 3_000,
});
/** Published last: reading up to it proves nothing else sits in between. */
const SENTINEL: ClosedBar = { ...BTC[0], symbol: "SENTINEL-USDT" };

/** Bars from the bus until `until` says stop (or the deadline passes). */
async function read(
  bus: MarketBus,
  until: (got: BusBar[]) => boolean,
  opts: SubscribeOptions = {},
): Promise<BusBar[]> {
  const ctrl = new AbortController();
  const got: BusBar[] = [];
  try {
    await withDeadline(
      "bars from the bus",
      (async () => {
        for await (const m of bus.subscribeBars({ ...opts, signal: ctrl.signal })) {
          got.push(m);
          if (until(got)) return;
        }
      })(),
      20_000,
    );
  } finally {
    ctrl.abort();
  }
  return got;
}

const toSentinel = (got: BusBar[]) => got.at(-1)?.bar.symbol === SENTINEL.symbol;
const summary = (got: BusBar[]) => got.map((m) => [m.seq, m.msgId, m.revision]);

for (const impl of IMPLS) {
  Deno.test(`${impl.name} bus: bars arrive in publish order with their sequences, then live ones`, async () => {
    const s = await impl.open();
    try {
      const interleaved = [BTC[0], ETH[0], BTC[1], ETH[1], BTC[2]];
      const acks = [];
      for (const b of interleaved) acks.push(await s.bus.publishBar(b));
      assert.deepEqual(acks, [1, 2, 3, 4, 5].map((seq) => ({ seq, duplicate: false })));
      let seen: BusBar[] = [];
      const live = read(s.bus, (got) => (seen = got).length === 6);
      await waitFor("the five stored bars to be read", () => seen.length === 5);
      const later = await s.bus.publishBar(BTC[3]);
      const got = await live;
      assert.deepEqual(got.map((m) => m.bar), [...interleaved, BTC[3]]);
      assert.deepEqual(got.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
      assert.equal(later.seq, 6);
      assert.deepEqual([got[0].subject, got[0].msgId], [
        "md.bars.binance.BTC-USDT.1m",
        "b:binance:BTC-USDT:1m:1700000040000",
      ]);
    } finally {
      await s.close();
    }
  });

  Deno.test(`${impl.name} bus: a subscriber resumes from its own position, filtered by series`, async () => {
    const s = await impl.open();
    try {
      for (const b of [BTC[0], ETH[0], BTC[1], ETH[1], BTC[2], SENTINEL]) await s.bus.publishBar(b);
      const from3 = await read(s.bus, toSentinel, { fromSeq: 3 });
      assert.deepEqual(from3.map((m) => m.seq), [3, 4, 5, 6]);
      const eth = await read(s.bus, (got) => got.length === 2, {
        filter: { venue: "okx", symbol: "ETH-USDT" },
      });
      assert.deepEqual(eth.map((m) => [m.seq, m.bar]), [[2, ETH[0]], [4, ETH[1]]]);
      const ethAfter2 = await read(s.bus, (got) => got.length === 1, {
        fromSeq: 3,
        filter: { interval: "1m", venue: "okx" },
      });
      assert.deepEqual(ethAfter2.map((m) => m.seq), [4]);
    } finally {
      await s.close();
    }
  });

  Deno.test(`${impl.name} bus: the last bar sequence per filter, 0 before any (a consumer's lag)`, async () => {
    const s = await impl.open();
    try {
      const btc = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };
      assert.equal(await s.bus.lastBarSeq(btc), 0);
      for (const b of [BTC[0], ETH[0], BTC[1], ETH[1]]) await s.bus.publishBar(b);
      await s.bus.publishBar(BTC[1]); // a duplicate stores nothing, so moves nothing
      assert.deepEqual(
        [
          await s.bus.lastBarSeq(btc),
          await s.bus.lastBarSeq({ venue: "okx" }),
          await s.bus.lastBarSeq(),
          await s.bus.lastBarSeq({ interval: "1h" }),
        ],
        [3, 4, 4, 0],
      );
    } finally {
      await s.close();
    }
  });

  Deno.test(`${impl.name} bus: one message id is stored once — two publishers of one bar, a resent trade`, async () => {
    const s = await impl.open();
    try {
      const other = await s.another();
      const first = await s.bus.publishBar(BTC[0]);
      const second = await other.publishBar(BTC[0]);
      assert.deepEqual([first, second], [{ seq: 1, duplicate: false }, { seq: 1, duplicate: true }]);
      // A repaired bar is a new revision: stored, and consumers replace what they hold for its key.
      const repaired = { ...BTC[0], c: BTC[0].c + 1, h: Math.max(BTC[0].h, BTC[0].c + 1) };
      assert.deepEqual(await other.publishBar(repaired, 1), { seq: 2, duplicate: false });
      assert.deepEqual(await s.bus.publishBar(repaired, 1), { seq: 2, duplicate: true });
      await s.bus.publishBar(SENTINEL);
      const got = await read(s.bus, toSentinel);
      assert.deepEqual(summary(got), [
        [1, "b:binance:BTC-USDT:1m:1700000040000", 0],
        [2, "b:binance:BTC-USDT:1m:1700000040000:r1", 1],
        [3, "b:binance:SENTINEL-USDT:1m:1700000040000", 0],
      ]);
      assert.deepEqual(got[1].bar, repaired);
      const trade: Trade = {
        kind: "trade",
        venue: "kraken",
        symbol: "BTC-USD",
        tradeId: "",
        price: 65_000.1,
        size: 0.5,
        side: "sell",
        venueTimeMs: 1_700_000_040_001,
        receivedAtMs: 1_700_000_040_009,
      };
      assert.deepEqual(await s.bus.publishTrade(trade), { seq: 1, duplicate: false });
      assert.deepEqual(await other.publishTrade({ ...trade, receivedAtMs: 1_700_000_040_050 }), {
        seq: 1,
        duplicate: true,
      });
    } finally {
      await s.close();
    }
  });

  Deno.test(`${impl.name} bus: a full outbox refuses the publish and counts it, never drops one it took`, async () => {
    const s = await impl.open({ BUS_OUTBOX_CAPACITY: "2" });
    try {
      const a = s.bus.publishBar(BTC[0]), b = s.bus.publishBar(BTC[1]);
      const refused = s.bus.publishBar(BTC[2]);
      const atFull = s.bus.outboxStats(); // in the same turn: the in-process outbox drains at the next one
      await assert.rejects(refused, OutboxFullError);
      assert.deepEqual([atFull.depth, atFull.full], [2, 1]);
      assert.deepEqual([(await a).seq, (await b).seq], [1, 2]);
      assert.deepEqual(await s.bus.publishBar(BTC[2]), { seq: 3, duplicate: false });
      assert.deepEqual({ ...s.bus.outboxStats(), retries: 0 }, {
        depth: 0,
        full: 1,
        retries: 0,
        acked: 3,
        rejected: 0,
        abandoned: 0,
      });
    } finally {
      await s.close();
    }
  });

  Deno.test(`${impl.name} bus: a subject token with '.', '*', '>' or whitespace is one clear error, nothing sent`, async () => {
    const s = await impl.open();
    try {
      await assert.rejects(s.bus.publishBar({ ...BTC[0], symbol: "BTC.USDT" }), {
        name: "TypeError",
        message:
          'bus: symbol "BTC.USDT" contains "." (subject tokens may not hold ".", "*", ">", ":" or whitespace)',
      });
      await assert.rejects(
        s.bus.publishTrade({
          kind: "trade",
          venue: "binance",
          symbol: "BTC USDT",
          tradeId: "1",
          price: 1,
          size: 1,
          side: "buy",
          venueTimeMs: 1,
          receivedAtMs: 1,
        }),
        { name: "TypeError", message: /^bus: symbol "BTC USDT" contains whitespace/ },
      );
      await assert.rejects(read(s.bus, () => true, { filter: { venue: ">" } }), {
        name: "TypeError",
        message: /^bus: venue ">" contains ">"/,
      });
      assert.deepEqual(
        await s.bus.publishBar(BTC[0]),
        { seq: 1, duplicate: false },
        "nothing was stored before",
      );
      assert.equal(s.bus.outboxStats().acked, 1);
    } finally {
      await s.close();
    }
  });
}

Deno.test("JetStream bus: a publish during a server restart is resent with its id and lands once", async () => {
  const s = await IMPLS[1].open();
  try {
    assert.ok(s.nats);
    assert.deepEqual(await s.bus.publishBar(BTC[0]), { seq: 1, duplicate: false });
    await s.nats.stopNode(0);
    const pending = s.bus.publishBar(BTC[1]);
    await waitFor("the outbox to resend while the server is down", () => s.bus.outboxStats().retries >= 2);
    assert.equal(s.bus.outboxStats().depth, 1);
    await s.nats.startNode(0); // same port, same store
    const ack = await withDeadline("the pending publish after the restart", pending, 30_000);
    // Whether the last attempt or an earlier one (buffered by the client) landed first, it is seq 2.
    assert.equal(ack.seq, 2);
    await s.bus.publishBar(SENTINEL);
    const got = await read(s.bus, toSentinel);
    assert.deepEqual(summary(got), [
      [1, "b:binance:BTC-USDT:1m:1700000040000", 0],
      [2, "b:binance:BTC-USDT:1m:1700000100000", 0],
      [3, "b:binance:SENTINEL-USDT:1m:1700000040000", 0],
    ]);
    const st = s.bus.outboxStats();
    assert.deepEqual([st.depth, st.full, st.rejected, st.abandoned, st.acked], [0, 0, 0, 0, 3]);
  } finally {
    await s.close();
  }
});
