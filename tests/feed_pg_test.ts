// The feed on PostgreSQL (STORE_URL=postgres://): a real feed process against the venue simulator and
// a real PostgreSQL (startPostgres), killed with kill -9 and restarted while simulated time moves on.
// The bars in PostgreSQL equal the simulator's truth, each key once, with no hole after the restart
// (its scan and feature priming read PostgreSQL); /health and /api/bars answer from it. And the
// lines: a bad or unreachable STORE_URL is exit 2 with one line, never the password; the DuckDB-only
// tools (backup, restore --into-place, version --data, migrate) refuse a PostgreSQL store with one line, exit 2.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../lib/async/poll.ts";
import { freePort } from "../lib/http/free_port.ts";
import { type ClosedBar, type Interval, INTERVALS, type Venue } from "../lib/market/types.ts";
import { PgBarStore } from "../lib/store/pg_bar_store.ts";
import { startPostgres } from "../lib/store/pg_server.ts";
import { runScript } from "../testing/script_proc.ts";
import { type FeedProc, missingBetween, startFeedProc } from "./feed_proc.ts";
import { EPOCH, HOUR, MINUTE, startSim } from "./feed_support.ts";
import { compare, staleFeatures, truthBars } from "./feed_truth.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VENUES: Venue[] = ["binance", "okx"];
const SYMBOLS = ["BTC-USDT"];
const IVS: Interval[] = ["1m", "1h"];
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Every stored bar in PostgreSQL, oldest first per stream, through the store's own reader. */
async function pgBars(url: string): Promise<{ bars: ClosedBar[]; count: number }> {
  const s = await PgBarStore.open(url, { schema: { migrate: false } });
  try {
    const bars: ClosedBar[] = [];
    for (const v of VENUES) {
      for (const sym of SYMBOLS) {
        for (const iv of IVS) bars.push(...await s.barsAfter(v, sym as never, iv, -1, 100_000));
      }
    }
    return { bars, count: await s.countBars() };
  } finally {
    await s.close();
  }
}

async function storedFrom(feed: FeedProc, interval: Interval, fromMs: number): Promise<void> {
  await waitFor(
    `${interval} bars from ${new Date(fromMs).toISOString()} in PostgreSQL for every stream`,
    async () => {
      for (const v of VENUES) {
        for (const s of SYMBOLS) {
          if (!((await feed.bars(v, s, interval)).at(-1)?.openTimeMs! >= fromMs)) {
            return false;
          }
        }
      }
      return true;
    },
    { timeoutMs: 120_000 },
  );
}

Deno.test("feed with STORE_URL=postgres://: bars equal truth once each; kill -9, 6 min down, restart: no hole", async () => {
  const pg = await startPostgres();
  const dir = await Deno.makeTempDir({ prefix: "feed_pg_" });
  let shift = 0;
  const speed = 60;
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed,
    startSimMs: EPOCH + HOUR - 10 * MINUTE,
    wallNow: () => Date.now() + shift,
  });
  // No STORE_PATH here: the env file's (a lower layer) is overridden by STORE_URL from the environment.
  const env = {
    STORE_URL: pg.url,
    QUIET: "true",
    STATUS_MIN_SECS: "1",
    VENUES_ENABLED: VENUES.join(","),
    SYMBOLS: SYMBOLS.join(","),
    INTERVALS: IVS.join(","),
    BAR_CLOSE_GRACE_MS: "30000",
  };
  try {
    const a = await startFeedProc(dir, "feed1", sim.port, env);
    const h1 = await a.health() as unknown as { clock: { nowMs: number }; store: Record<string, unknown> };
    assert.deepEqual(
      { ...h1.store, barsStored: 0, backlog: 0 },
      { kind: "postgres", path: pg.safeUrl, schemaVersion: 2, barsStored: 0, backlog: 0 },
    );
    assert.ok(!JSON.stringify(h1).includes(new URL(pg.url).password), "no password in /health");
    const t1 = h1.clock.nowMs;
    await storedFrom(a, "1m", t1 - (t1 % MINUTE) + 2 * MINUTE);
    await a.kill9();
    shift += 6 * MINUTE / speed;
    const b = await startFeedProc(dir, "feed2", sim.port, env);
    const t2 = (await b.health()).clock.nowMs;
    await storedFrom(b, "1m", t2 - (t2 % MINUTE) + MINUTE);
    await waitFor("no gap pending", async () => (await b.health()).gaps.pending === 0, {
      timeoutMs: 120_000,
    });
    const served = await b.bars("binance", "BTC-USDT", "1m");
    const h2 = await b.health();
    assert.equal((await b.child.stop(60_000)).code, 0);
    await sim.stop();

    const { bars, count } = await pgBars(pg.url);
    const keys = new Set(bars.map((x) => `${x.venue}|${x.symbol}|${x.interval}|${x.openTimeMs}`));
    assert.equal(keys.size, bars.length, "each key once");
    assert.equal(count, bars.length, "no rows outside the streams");
    const missing = missingBetween(bars, (iv) => INTERVALS[iv]);
    assert.equal(sum(missing), 0, `missing: ${JSON.stringify([...missing])}`);
    assert.deepEqual(compare(bars, truthBars(sim.truthPath)), []);
    assert.equal(h2.gaps.notRecovered, 0);
    // The restart's scan and feature priming read PostgreSQL: the outage came from REST, and the
    // features continue from the stored bars.
    const backfilled = bars.filter((x) => x.interval === "1m" && x.origin === "backfill").length;
    assert.ok(backfilled >= 6 * VENUES.length * SYMBOLS.length, `backfilled 1m bars: ${backfilled}`);
    assert.deepEqual(staleFeatures(bars).slice(0, 3), []);
    // /api/bars answered from PostgreSQL: what it served is what is stored.
    const stored = bars.filter((x) => x.venue === "binance" && x.interval === "1m");
    assert.ok(served.length >= 10);
    assert.deepEqual(served, stored.slice(0, served.length));
  } finally {
    await sim.stop().catch(() => {});
    await pg.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

const cli = (script: string, args: string[], env: Record<string, string>) =>
  runScript(join(ROOT, "scripts", script), args, { cwd: ROOT, env: { NO_COLOR: "1", ...env } });

Deno.test("a bad or unreachable STORE_URL: exit 2 at start, one line, no password", async () => {
  const bad = await cli("feed.ts", ["--port", "0"], {
    FEED_CLOCK: "wall",
    STORE_URL: "mysql://tick:s3cret@h/db",
  });
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    'feed: config config/env/live.env: STORE_URL "mysql://tick:***@h/db" is neither duckdb:<path> nor ' +
      "postgres://user:password@host:port/db\n",
  );
  const port = freePort();
  const down = await cli("feed.ts", ["--port", "0"], {
    FEED_CLOCK: "wall",
    STORE_URL: `postgres://tick:s3cret@127.0.0.1:${port}/bars`,
  });
  assert.equal(down.code, 2);
  assert.match(
    down.stderr,
    new RegExp(
      `^feed: cannot open the store postgres://tick:\\*\\*\\*@127\\.0\\.0\\.1:${port}/bars \\(STORE_URL\\): .+\\n$`,
    ),
  );
  assert.ok(!(down.stdout + down.stderr).includes("s3cret"));
});

Deno.test("backup, restore --into-place, version --data, migrate, backtest and drift refuse a PostgreSQL store: one line, exit 2", async () => {
  const env = { STORE_URL: "postgres://tick:s3cret@127.0.0.1:1/bars" };
  const safe = "postgres://tick:***@127.0.0.1:1/bars";
  const cases: [string, string[], string][] = [
    [
      "backup.ts",
      [],
      `backup: ./tp backup works on a DuckDB store only, and STORE_URL names PostgreSQL (${safe}): back it up with PostgreSQL's own tools (pg_dump, or the server's base backups)\n`,
    ],
    [
      "version.ts",
      ["--data"],
      `version: ./tp version --data works on a DuckDB store only, and STORE_URL names PostgreSQL (${safe}): the feed reports that store's schema version on GET /health (store.schemaVersion)\n`,
    ],
    [
      "migrate.ts",
      ["--status"],
      `migrate: ./tp migrate works on a DuckDB store only, and STORE_URL names PostgreSQL (${safe}): the feed migrates a PostgreSQL store forward at its start (the loop's state dir alone: STORE_URL= ./tp migrate --only state ...)\n`,
    ],
  ];
  for (const tool of ["backtest", "drift"]) {
    cases.push([
      `${tool}.ts`,
      [],
      `${tool}: ./tp ${tool} works on a DuckDB store only, and STORE_URL names PostgreSQL (${safe}): give --db PATH of a DuckDB copy of the bars\n`,
    ]);
  }
  const folder = await Deno.makeTempDir({ prefix: "feed_pg_restore_" });
  cases.push([
    "restore.ts",
    ["--into-place", folder],
    `restore: ./tp restore --into-place works on a DuckDB store only, and STORE_URL names PostgreSQL (${safe}): restore a DuckDB backup with STORE_URL unset, or PostgreSQL with its own tools\n`,
  ]);
  for (const [script, args, line] of cases) {
    const r = await cli(script, args, env);
    assert.equal(r.stderr, line, script);
    assert.equal(r.code, 2, script);
    assert.equal(r.stdout, "", script);
  }
  await Deno.remove(folder);
});
