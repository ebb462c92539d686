#!/usr/bin/env -S deno run -A
// The store writer's rows/s (issue 14): N bars are published to JetStream first (a throwaway nats-server,
// one node, file storage), then the writer (lib/store_writer: ordered consumer -> batches -> COPY into
// staging + upsert + position, one transaction each) is timed from its start until its position reaches
// the stream's end, into an empty throwaway PostgreSQL database. Beside it, in the same run on the same
// server: the store alone (PgBarStore.upsertBarsAt of the same bars in the same batch size, no bus),
// the floor the writer can reach; the reference for COPY + upsert here is ~60,000 rows/s.
// Run: ./tp bench --only store-writer   (STORE_WRITER_BENCH_N=50000, STORE_WRITER_BENCH_BATCH=2000)
import { pollUntil } from "../lib/async/poll.ts";
import { resolveBusConfig } from "../lib/bus/bus_config.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import { startNats } from "../lib/bus/nats_cluster.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { PgBarStore } from "../lib/store/pg_bar_store.ts";
import { openPgPool } from "../lib/store/pg_client.ts";
import { startPostgres } from "../lib/store/pg_server.ts";
import { StoreWriter } from "../lib/store_writer/writer.ts";
import { sampleBars } from "../testing/sample_bars.ts";
import type { BenchRow } from "./bench_row.ts";

const env = (k: string, d: number) => Number(Deno.env.get(k) ?? d);
const N = env("STORE_WRITER_BENCH_N", 50_000);
const BATCH = env("STORE_WRITER_BENCH_BATCH", 2000);
const REFERENCE = 60_000;
const PER_SYMBOL = 1000;

const bars: ClosedBar[] = [];
for (let s = 0; bars.length < N; s++) {
  const count = Math.min(PER_SYMBOL, N - bars.length);
  bars.push(...sampleBars({
    venue: "binance",
    symbol: `S${s}-USDT`,
    interval: "1m",
    count,
    firstOpenTimeMs: 1_700_000_040_000,
    basePrice: 100 + s,
  }));
}

const nats = await startNats();
const pg = await startPostgres();
const admin = openPgPool(pg.url, { max: 1 });
const newDb = async (name: string) => {
  await admin.query(`CREATE DATABASE ${name}`);
  return pg.url.replace(/\/postgres$/, `/${name}`);
};
const rows: BenchRow[] = [];
try {
  // The store alone: the same bars, the same batches, positions recorded as the writer does.
  const floorStore = await PgBarStore.open(await newDb("bench_floor"));
  const f0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    await floorStore.upsertBarsAt(bars.slice(i, i + BATCH), { consumer: "floor", seq: i + BATCH });
  }
  const floorPerS = N / ((performance.now() - f0) / 1000);
  await floorStore.close();

  // Publish everything first (the outbox bounds what is in flight), then time the writer alone.
  const bus = await JetStreamBus.open(resolveBusConfig({ BUS_URL: nats.urls.join(",") }));
  const p0 = performance.now();
  for (let i = 0; i < N; i += 5000) await Promise.all(bars.slice(i, i + 5000).map((b) => bus.publishBar(b)));
  const publishPerS = N / ((performance.now() - p0) / 1000);
  const lastSeq = (await bus.streamState("bars")).lastSeq;
  const store = await PgBarStore.open(await newDb("bench_writer"), { maxConnections: 2 });
  const writer = new StoreWriter(
    {
      subscribeBars: (o) => bus.subscribeBars(o),
      streamLastSeq: async () => (await bus.streamState("bars")).lastSeq,
    },
    store,
    { consumer: "bench", batchSize: BATCH, batchWaitMs: 200, log: () => {} },
  );
  const stop = new AbortController();
  const w0 = performance.now();
  const running = writer.run(stop.signal);
  await pollUntil(() => Promise.resolve(writer.stats().appliedSeq >= lastSeq || undefined), 600_000, 5);
  const writerPerS = N / ((performance.now() - w0) / 1000);
  stop.abort();
  await running;
  const stored = await store.countBars();
  await store.close();
  await bus.close(1000);
  if (stored !== N) throw new Error(`the writer stored ${stored} bars, not ${N}`);

  rows.push(
    {
      name: "store writer: bus -> PostgreSQL",
      value: writerPerS,
      unit: "rows/s",
      target: `>= ${REFERENCE / 2}`,
      ok: writerPerS >= REFERENCE / 2,
    },
    {
      name: "store alone: COPY + upsert + position",
      value: floorPerS,
      unit: "rows/s",
      target: "floor",
      ok: true,
    },
    {
      name: "writer / store alone",
      value: writerPerS / floorPerS,
      unit: "ratio",
      target: ">= 0.5",
      ok: writerPerS / floorPerS >= 0.5,
    },
    { name: "issue 14 reference (COPY + upsert)", value: REFERENCE, unit: "rows/s", target: "ref", ok: true },
    { name: "publish to JetStream (setup)", value: publishPerS, unit: "bars/s", target: "info", ok: true },
  );
} finally {
  await admin.close();
  await pg.stop();
  await nats.stop();
}

console.log(`store writer: ${N} bars (${Math.ceil(N / PER_SYMBOL)} symbols, 1m), batches of ${BATCH}`);
console.log(`${"name".padEnd(40)} ${"value".padStart(12)} unit    target    met`);
for (const r of rows) {
  const v = r.unit === "ratio" ? r.value.toFixed(2) : Math.round(r.value).toLocaleString("en-US");
  console.log(
    `${r.name.padEnd(40)} ${v.padStart(12)} ${r.unit.padEnd(7)} ${r.target.padEnd(9)} ${r.ok ? "yes" : "NO"}`,
  );
}
