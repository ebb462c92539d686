// The store writer end to end on a real nats-server and a real PostgreSQL (free ports, throwaway both):
// bars published through the JetStream bus land once each, equal field by field; a repaired bar's
// revision replaces the first copy; a bad message is skipped, counted and moved past; the writer
// follows live bars; a restart resumes from the position recorded in PostgreSQL; a writer killed -9
// inside a batch's transaction leaves neither the batch nor its position, and after a restart the table
// equals the published set. The CLI refuses a store that is not PostgreSQL and stops cleanly on SIGTERM.
import assert from "node:assert/strict";
import { pollUntil } from "../lib/async/poll.ts";
import { resolveBusConfig } from "../lib/bus/bus_config.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import { connectNats } from "../lib/bus/nats_client.ts";
import { type NatsHandle, startNats } from "../lib/bus/nats_cluster.ts";
import { barSubject } from "../lib/bus/subjects.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { PgBarStore } from "../lib/store/pg_bar_store.ts";
import { openPgPool } from "../lib/store/pg_client.ts";
import { startPostgres } from "../lib/store/pg_server.ts";
import { resolveWriterConfig } from "../lib/store_writer/config.ts";
import { runStoreWriter } from "../lib/store_writer/run.ts";
import type { WriterStats } from "../lib/store_writer/writer.ts";
import { sampleBars } from "../testing/sample_bars.ts";
import { runScript, startScript } from "../testing/script_proc.ts";

const T0 = 1_700_000_040_000;
const btc = (n: number) =>
  sampleBars({
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    count: n,
    firstOpenTimeMs: T0,
    basePrice: 65_000,
  });
const eth = (n: number) =>
  sampleBars({
    venue: "okx",
    symbol: "ETH-USDT",
    interval: "1m",
    count: n,
    firstOpenTimeMs: T0,
    basePrice: 3_000,
  });

/** Every stored bar of the two test streams, in key order. */
async function stored(url: string): Promise<ClosedBar[]> {
  const s = await PgBarStore.open(url, { schema: { migrate: false } });
  try {
    return [
      ...await s.barsAfter("binance", "BTC-USDT", "1m", 0, 10_000),
      ...await s.barsAfter("okx", "ETH-USDT", "1m", 0, 10_000),
    ];
  } finally {
    await s.close();
  }
}

const byKey = (bars: readonly ClosedBar[]) =>
  bars.toSorted((a, b) => a.venue.localeCompare(b.venue) || a.openTimeMs - b.openTimeMs);

/** The writer in this process on port 0 until stop(); its /health and /metrics over HTTP. */
async function inProcessWriter(env: Record<string, string>) {
  const ctrl = new AbortController();
  let listening: (url: string) => void = () => {};
  const listened = new Promise<string>((r) => (listening = r));
  const done = runStoreWriter(resolveWriterConfig({ STORE_WRITER_PORT: "0", ...env }), {
    log: () => {},
    signal: ctrl.signal,
    onListen: (u) => listening(u),
  });
  const url = await Promise.race([
    listened,
    done.then(() => Promise.reject(new Error("the writer ended before it listened"))),
  ]);
  const health = async () => await (await fetch(`${url}/health`)).json();
  return {
    health,
    metrics: async () => await (await fetch(`${url}/metrics`)).text(),
    /** Waits until the writer's position is `seq`. */
    async appliedUpTo(seq: number) {
      const ok = await pollUntil(async () => (await health()).appliedSeq === seq || undefined, 30_000, 50);
      assert.ok(ok, `the writer did not reach seq ${seq}: ${JSON.stringify(await health())}`);
    },
    async stop(): Promise<WriterStats> {
      ctrl.abort();
      return await done;
    },
  };
}

Deno.test("store writer on real nats-server and PostgreSQL", async (t) => {
  const pg = await startPostgres();
  const admin = openPgPool(pg.url, { max: 1 });
  let n = 0;
  const newDb = async () => {
    const name = `writer_${n++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    return pg.url.replace(/\/postgres$/, `/${name}`);
  };
  const withNats = async (fn: (nats: NatsHandle, bus: JetStreamBus) => Promise<void>) => {
    const nats = await startNats();
    const bus = await JetStreamBus.open(resolveBusConfig({ BUS_URL: nats.urls.join(",") }));
    try {
      await fn(nats, bus);
    } finally {
      await bus.close(1000);
      await nats.stop();
    }
  };
  try {
    await t.step(
      "every bar once, field by field; a revision replaces; a bad message is skipped and counted",
      async () => {
        await withNats(async (nats, bus) => {
          const storeUrl = await newDb();
          const [b, e] = [btc(35), eth(30)];
          for (let i = 0; i < 30; i++) {
            await bus.publishBar(b[i]);
            await bus.publishBar(e[i]);
          }
          const raw = await connectNats(nats.urls);
          await raw.publish(
            barSubject("binance", "BTC-USDT", "1m"),
            new TextEncoder().encode("{oops"),
            "bad-1",
            5000,
          );
          await raw.close();
          const repaired: ClosedBar = { ...b[5], c: b[5].l, trades: b[5].trades + 1 };
          assert.deepEqual(await bus.publishBar(repaired, 1), { seq: 62, duplicate: false });
          assert.deepEqual(
            await bus.publishBar(b[0]),
            { seq: 1, duplicate: true },
            "a resend is dropped by id",
          );

          const env = { BUS_URL: nats.urls.join(","), STORE_URL: storeUrl, STORE_WRITER_BATCH_SIZE: "7" };
          const w = await inProcessWriter({ ...env, STORE_WRITER_BATCH_WAIT_MS: "50" });
          await w.appliedUpTo(62);
          const expected = byKey([...b.slice(0, 30).map((x, i) => i === 5 ? repaired : x), ...e]);
          assert.deepEqual(await stored(storeUrl), expected);
          const metrics = await w.metrics();
          for (
            const line of [
              "store_writer_applied_seq 62",
              "store_writer_stream_last_seq 62",
              "store_writer_rows_total 61",
              "store_writer_bad_messages_total 1",
              "store_writer_write_errors_total 0",
              "store_writer_up 1",
            ]
          ) assert.ok(metrics.split("\n").includes(line), `${line} in\n${metrics}`);
          assert.match(metrics, /^store_writer_batch_seconds_count \d+$/m);
          assert.deepEqual(
            [(await w.health()).status, (await w.health()).lag, (await w.health()).badMessages],
            ["ok", 0, 1],
          );

          // Live bars after the backlog, then a stop: the position is in the store.
          for (const x of b.slice(30)) await bus.publishBar(x);
          await w.appliedUpTo(67);
          const first = await w.stop();
          assert.deepEqual([first.appliedSeq, first.rows, first.badMessages], [67, 66, 1]);

          // A restart resumes after 67: nothing is read twice, the next bar is.
          const again = await inProcessWriter(env);
          try {
            const next: ClosedBar = {
              ...b[34],
              openTimeMs: b[34].openTimeMs + 60_000,
              closedAtMs: b[34].closedAtMs + 60_000,
            };
            assert.equal((await bus.publishBar(next)).seq, 68);
            await again.appliedUpTo(68);
          } finally {
            const st = await again.stop();
            assert.deepEqual([st.appliedSeq, st.rows, st.badMessages], [68, 1, 0]);
          }
          assert.equal((await stored(storeUrl)).length, 66);
        });
      },
    );

    await t.step(
      "killed -9 inside a batch's transaction, then restarted: every bar once, none missing",
      async () => {
        await withNats(async (nats, bus) => {
          const storeUrl = await newDb();
          const [b, e] = [btc(25), eth(25)];
          for (let i = 0; i < 25; i++) {
            await bus.publishBar(b[i]);
            await bus.publishBar(e[i]);
          }
          const busUrl = nats.urls.join(",");
          const child = startScript(new URL("../testing/store_writer_kill.ts", import.meta.url).pathname, [
            storeUrl,
            busUrl,
            "w1",
            "10",
            "3",
          ]);
          try {
            await child.waitFor("stdout", "the writer inside its third transaction", /in-tx\n/, 60_000);
          } finally {
            await child.close(); // SIGKILL before COMMIT
          }
          assert.equal((await child.finished()).signal, "SIGKILL");
          const s = await PgBarStore.open(storeUrl);
          try {
            assert.equal(await s.lastSequence("w1"), 20, "two whole batches, not the third");
            assert.equal(await s.countBars(), 20);
          } finally {
            await s.close();
          }
          const w = await inProcessWriter({
            BUS_URL: busUrl,
            STORE_URL: storeUrl,
            STORE_WRITER_CONSUMER: "w1",
          });
          await w.appliedUpTo(50);
          const st = await w.stop();
          assert.equal(st.rows, 30, "resumed at 21, not at 1");
          assert.deepEqual(await stored(storeUrl), byKey([...b, ...e]));
        });
      },
    );

    await t.step(
      "CLI: STORE_URL other than postgres:// or no BUS_URL is one line, exit 2; SIGTERM exits 0",
      async () => {
        const script = new URL("../scripts/store_writer.ts", import.meta.url).pathname;
        const duck = await runScript(script, [], {
          env: { BUS_URL: "nats://127.0.0.1:4222", STORE_URL: "duckdb:x.duckdb" },
        });
        assert.deepEqual([duck.code, duck.stderr], [
          2,
          'store-writer: STORE_URL must be postgres://user:password@host:port/db for the store writer (value: "duckdb:x.duckdb")\n',
        ]);
        const noBus = await runScript(script, [], { env: { BUS_URL: "", STORE_URL: pg.url } });
        assert.deepEqual([noBus.code, noBus.stderr], [
          2,
          "store-writer: BUS_URL is not set: the store writer reads bars from JetStream (nats://host:port)\n",
        ]);
        await withNats(async (nats, bus) => {
          const storeUrl = await newDb();
          await bus.publishBar(btc(1)[0]);
          const child = startScript(script, ["--port", "0", "--batch-wait-ms", "10"], {
            env: { BUS_URL: nats.urls.join(","), STORE_URL: storeUrl },
          });
          try {
            await child.waitFor(
              "stdout",
              "the ready line",
              /^store_writer: http:\/\/127\.0\.0\.1:\d+\/ \(consumer store-writer\)\n/,
            );
            const s = await PgBarStore.open(storeUrl);
            try {
              assert.ok(
                await pollUntil(
                  async () => (await s.lastSequence("store-writer")) === 1 || undefined,
                  30_000,
                  50,
                ),
              );
            } finally {
              await s.close();
            }
            const r = await child.stop("SIGTERM", 60_000);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stderr, /"msg":"stopped","appliedSeq":1,"rows":1,"batches":1,"badMessages":0/);
            assert.doesNotMatch(r.stderr, new RegExp(new URL(pg.url).password));
          } finally {
            await child.close();
          }
        });
      },
    );
  } finally {
    await admin.close();
    await pg.stop();
  }
});
