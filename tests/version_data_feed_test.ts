// ./tp version --data while the feed runs: the feed's DuckDB lock keeps every other process out of the
// store, so the store's schema version comes from that running feed's GET /health, and the output says so.
// A real feed process against the real simulator holds the lock; version runs as its own process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../lib/http/free_port.ts";
import { STORE_MIGRATIONS } from "../lib/store/store_schema.ts";
import { latest } from "../lib/util/schema_plan.ts";
import { runScript } from "../testing/script_proc.ts";
import { startFeedProc } from "./feed_proc.ts";
import { EPOCH, HOUR, MINUTE, startSim } from "./feed_support.ts";

Deno.test("version --data: the store's version from the running feed that holds its lock, saying so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_version_feed_" });
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    speed: 60,
    startSimMs: EPOCH + HOUR - 2 * MINUTE,
  });
  const store = join(dir, "feed.duckdb"), stateDir = join(dir, "live");
  const env = {
    STORE_PATH: store,
    PARQUET_DIR: join(dir, "parquet"),
    VENUES_ENABLED: "binance",
    SYMBOLS: "BTC-USDT",
    INTERVALS: "1m",
  };
  const code = latest(STORE_MIGRATIONS);
  const version = (port: number, json: boolean) =>
    runScript("scripts/version.ts", [
      ...["--data", "--store", store, "--state-dir", stateDir, "--feed-port", String(port)],
      ...(json ? ["--json"] : []),
    ], { env: { NO_COLOR: "1" }, timeoutMs: 60_000 });
  const feed = await startFeedProc(dir, "feed", sim.port, env);
  try {
    const port = Number(new URL(feed.base).port);
    const health = await fetch(`${feed.base}/health`).then((r) => r.json());
    assert.deepEqual([health.store.path, health.store.schemaVersion], [store, code]);

    const j = await version(port, true);
    assert.equal(j.code, 0, j.stderr);
    const d = JSON.parse(j.stdout).data.store;
    assert.deepEqual([d.path, d.version, d.status, d.detail, d.source], [
      store,
      code,
      "current",
      null,
      `the running feed (GET http://127.0.0.1:${port}/health), which holds the store's lock`,
    ]);
    const t = await version(port, false);
    assert.equal(t.code, 0, t.stderr);
    assert.ok(
      t.stdout.includes(
        `data: store ${store}: version ${code} (current; from the running feed (GET http://127.0.0.1:${port}/health), which holds the store's lock)\n`,
      ),
      t.stdout,
    );

    // Asked at a port where no feed listens: the lock still keeps the file shut, and it says both.
    const nobody = freePort();
    const none = JSON.parse((await version(nobody, true)).stdout).data.store;
    assert.deepEqual([none.version, none.status, none.source], [null, "locked", undefined]);
    assert.match(
      none.detail,
      new RegExp(
        `^store .+ is open for writing in another process.*: stop the feed to read its version here; and http://127\\.0\\.0\\.1:${nobody}/health: no answer \\(`,
      ),
    );
  } finally {
    await feed.child.stop(10_000);
  }
  try {
    // The feed stopped: the file itself, read-only.
    const after = JSON.parse((await version(freePort(), true)).stdout).data.store;
    assert.deepEqual([after.version, after.status, after.source], [
      code,
      "current",
      "the store file, read-only",
    ]);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
