// ./tp backup while a real feed (a subprocess, on the venue simulator) holds its DuckDB store: the
// feed exports through its spool folder; restore --into-place refuses while it runs; kill -9 of the
// feed during a backup leaves neither a half backup nor a damaged store (it reopens with every bar it
// had committed), and the next backup of the reopened store verifies.
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor } from "../lib/async/poll.ts";
import { freePort } from "../lib/http/free_port.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { spoolDir } from "../lib/store/backup_spool.ts";
import { CREATE_BARS } from "../lib/store/bar_row.ts";
import { BarReader } from "../lib/store/bar_reader.ts";
import { openDuckDb } from "../lib/store/duckdb_open.ts";
import { writeStateDir } from "../testing/backup_fixture.ts";
import { runScript, type ScriptProc, startScript } from "../testing/script_proc.ts";
import { type FeedProc, startFeedProc } from "./feed_proc.ts";
import { EPOCH, HOUR, MINUTE, type RunningSim, startSim } from "./feed_support.ts";

/** Old bars of a symbol the feed does not trade, so an export takes long enough to be killed in. */
const OLD_BARS = 200_000;

async function preload(store: string): Promise<void> {
  const db = await openDuckDb(store, {});
  const con = await db.connect();
  try {
    await con.run(CREATE_BARS);
    await con.run(`INSERT INTO bars SELECT 'binance', 'OLD-USDT', '1m', 1577836800000 + i * 60000,
      100 + i % 7, 101 + i % 7, 99, 100.5, i / 3, i % 50, 'trades', i / 7, NULL, 1.5, NULL, 0.25, 100,
      1577836860000 + i * 60000 FROM range(${OLD_BARS}) t(i)`);
    await con.run("CHECKPOINT");
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

interface Rig {
  readonly dir: string;
  readonly sim: RunningSim;
  readonly store: string;
  readonly env: Record<string, string>;
  readonly target: string;
  startFeed(name: string): Promise<FeedProc>;
}

async function withRig(body: (r: Rig) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tp_backup_feed_" });
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    speed: 60,
    startSimMs: EPOCH + HOUR - 2 * MINUTE,
  });
  const store = join(dir, "feed.duckdb");
  const env = {
    STORE_PATH: store,
    PARQUET_DIR: join(dir, "parquet"),
    PARTITIONING_ENABLED: "true",
    LIVE_STATE_DIR: join(dir, "live"),
    VENUES_ENABLED: "binance",
    SYMBOLS: "BTC-USDT",
    INTERVALS: "1m",
  };
  const feeds: FeedProc[] = [];
  try {
    await preload(store);
    await writeStateDir(env.LIVE_STATE_DIR);
    await body({
      dir,
      sim,
      store,
      env,
      target: join(dir, "backups"),
      startFeed: async (name) => {
        const f = await startFeedProc(dir, name, sim.port, env);
        feeds.push(f);
        return f;
      },
    });
  } finally {
    for (const f of feeds) await f.child.stop(10_000);
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const backupArgs = (r: Rig) => ["--target", r.target, "--config-dir", "config"];

async function storedBars(feed: FeedProc, n: number): Promise<ClosedBar[]> {
  let bars: ClosedBar[] = [];
  await waitFor(`${n} BTC-USDT 1m bars stored`, async () => {
    bars = await feed.bars("binance", "BTC-USDT", "1m");
    return bars.length >= n;
  }, { timeoutMs: 60_000 });
  return bars;
}

async function names(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) out.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

Deno.test("backup while the feed runs: the feed exports through its spool; into-place refuses while it runs", async () => {
  await withRig(async (r) => {
    const feed = await r.startFeed("feed");
    await storedBars(feed, 3);
    const b = await runScript("scripts/backup.ts", backupArgs(r), { env: r.env });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const pid = feed.child.pid;
    assert.match(
      b.stdout,
      new RegExp(`^the feed \\(pid ${pid}\\) holds ${r.store}: asking it for the export`, "m"),
    );
    assert.match(
      b.stdout,
      new RegExp(
        `^store: bars \\d+, schema_meta 2 rows, exported by feed pid ${pid} \\(EXPORT DATABASE\\)`,
        "m",
      ),
    );
    assert.match(b.stdout, /^parquet: [1-9]\d* files, [1-9]\d* rows$/m);
    assert.deepEqual(await names(spoolDir(r.store)), []);
    const dir = /^backup: (.+)$/m.exec(b.stdout)![1];
    const m = JSON.parse(await Deno.readTextFile(join(dir, "BACKUP_MANIFEST.json")));
    assert.ok(m.duckdb.tables.bars > OLD_BARS, JSON.stringify(m.duckdb.tables));

    const v = await runScript("scripts/restore.ts", ["--verify", dir], { env: r.env });
    assert.equal(v.code, 0, v.stdout + v.stderr);

    const ports = ["--feed-port", String(freePort()), "--loop-port", String(freePort())];
    const inPlace = await runScript("scripts/restore.ts", [dir, "--into-place", ...ports], { env: r.env });
    assert.equal(inPlace.code, 2);
    assert.equal(
      inPlace.stderr.trim(),
      `restore: refusing to restore into place while services run: pid ${pid} holds the store ${r.store}; ` +
        "stop the feed and the live loop first",
    );
    assert.equal(inPlace.stdout, "");
  });
});

/** The backup's end when the feed was killed under it: failed cleanly, or complete and verified. */
async function judgeKilledBackup(r: Rig, proc: ScriptProc): Promise<"failed cleanly" | "completed verified"> {
  const b = await proc.finished(120_000);
  const left = (await names(r.target)).filter((n) => n !== ".staging");
  assert.deepEqual(await names(join(r.target, ".staging")), [], "nothing half-made left in staging");
  assert.deepEqual(await names(spoolDir(r.store)), [], "no request or answer left in the spool");
  if (b.code !== 0) {
    assert.equal(b.code, 1, b.stderr);
    assert.match(
      b.stderr.trim(),
      /^backup: the feed \(pid \d+\) exited before it answered the backup request; no backup was made$/,
    );
    assert.deepEqual(left, []);
    return "failed cleanly";
  }
  const dir = /^backup: (.+)$/m.exec(b.stdout)![1];
  const v = await runScript("scripts/restore.ts", ["--verify", dir], { env: r.env });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  await Deno.remove(dir, { recursive: true });
  return "completed verified";
}

/** The store after the kill: it opens, and holds the old bars and every bar the feed had served. */
async function assertStoreWhole(r: Rig, seen: readonly ClosedBar[]): Promise<void> {
  const reader = await BarReader.open(r.store);
  try {
    const old = await reader.recentBars("binance", "OLD-USDT", "1m", OLD_BARS + 1);
    assert.equal(old.length, OLD_BARS);
    const now = await reader.recentBars("binance", "BTC-USDT", "1m", 100_000);
    // By key: a stored bar may since have been corrected in place (an upsert), never lost.
    const opens = new Set(now.map((b) => b.openTimeMs));
    for (const b of seen) {
      assert.ok(opens.has(b.openTimeMs), `bar ${new Date(b.openTimeMs).toISOString()} lost`);
    }
  } finally {
    reader.close();
  }
}

Deno.test("kill -9 of the feed during a backup: no half backup, the store reopens whole, the next backup verifies", async () => {
  await withRig(async (r) => {
    const outcomes: string[] = [];
    const stagedStore = async () => {
      for (const n of await names(join(r.target, ".staging"))) {
        if ((await names(join(r.target, ".staging", n))).includes("store")) return true;
      }
      return false;
    };
    const requested = async () => (await names(spoolDir(r.store))).some((n) => n.startsWith("req-"));
    // Killed once as soon as the request is in the spool, once as soon as the export has begun.
    for (const [i, when] of [[1, requested], [2, stagedStore]] as const) {
      const feed = await r.startFeed(`feed_${i}`);
      const seen = await storedBars(feed, 3);
      const proc = startScript("scripts/backup.ts", backupArgs(r), { env: r.env });
      try {
        await waitFor(`backup ${i} to reach its kill point`, when, { timeoutMs: 60_000, everyMs: 2 });
        await feed.kill9();
        outcomes.push(await judgeKilledBackup(r, proc));
      } finally {
        await proc.close();
      }
      await assertStoreWhole(r, seen);
    }
    console.log(`kill -9 outcomes: ${outcomes.join(", ")}`);
    // The store the kills left behind is the feed's again, and its backup verifies.
    const feed = await r.startFeed("feed_3");
    await storedBars(feed, 3);
    const b = await runScript("scripts/backup.ts", backupArgs(r), { env: r.env });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const v = await runScript("scripts/restore.ts", ["--verify", /^backup: (.+)$/m.exec(b.stdout)![1]], {
      env: r.env,
    });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });
});
