// Deploy release N+1 over release N's data, then roll back to N, with the real commands of
// runbooks/deploy_rollback.md. Two releases from one checkout: release N is this code with its newest
// store step withheld (TICKPROOF_SCHEMA_CUT=store=1, read only at the entry points), which is what the
// previous release was: the same code, one migration fewer. N's feed writes bars on the simulator and
// the loop's own writers its state dir; N+1 migrates them; N then refuses N+1's data (exit 3, one line);
// N+1's down-migration takes it back; N runs again on it: every bar and the OMS state replayed by the
// loop's boot code are as they were.
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor } from "../lib/async/poll.ts";
import { copyTree } from "../lib/fs/copy_tree.ts";
import { bootOms } from "../lib/oms/boot.ts";
import { STATE_VERSION_FILE } from "../lib/oms/state_version.ts";
import { CREATE_BARS } from "../lib/store/bar_row.ts";
import { openDuckDb } from "../lib/store/duckdb_open.ts";
import { openStoreReadOnly } from "../lib/store/read_only.ts";
import { writeStateDir } from "../testing/backup_fixture.ts";
import { KEY, SECRET } from "../testing/binance_connector.ts";
import { runScript } from "../testing/script_proc.ts";
import { type FeedProc, startFeedProc } from "./feed_proc.ts";
import { EPOCH, HOUR, MINUTE, simEnv, startSim } from "./feed_support.ts";

const RELEASE_N = { TICKPROOF_SCHEMA_CUT: "store=1" };
const RELEASE_N1 = { TICKPROOF_SCHEMA_CUT: "" };

type Row = Record<string, unknown>;

/** Every bar row, every column (BIGINTs as text), in key order: read-only, with no feed running. */
async function allBars(store: string): Promise<Row[]> {
  const db = await openStoreReadOnly(store, { threads: 1 });
  try {
    const con = await db.connect();
    try {
      const r = await con.runAndReadAll("SELECT * FROM bars ORDER BY venue, symbol, interval, open_time");
      return r.getRowObjectsJS().map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? String(v) : v]))
      );
    } finally {
      con.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

const keyOf = (r: Row) => `${r.venue}|${r.symbol}|${r.interval}|${r.open_time}`;

/** The bars table's DDL and whether DuckDB takes a bar whose low is above its high (then removed). */
async function tableRules(store: string): Promise<{ ddl: string; takesBadBar: boolean }> {
  const db = await openDuckDb(store, { threads: 1 });
  try {
    const con = await db.connect();
    try {
      const ddl = await con.runAndReadAll("SELECT sql FROM duckdb_tables() WHERE table_name = 'bars'");
      const bad =
        "('binance', 'BAD-USDT', '1m', 0, 5, 4, 6, 5, 1, 1, 'trades', NULL, NULL, NULL, NULL, NULL, NULL, 60000)";
      const takesBadBar = await con.run(`INSERT INTO bars VALUES ${bad}`).then(() => true, () => false);
      await con.run("DELETE FROM bars WHERE symbol = 'BAD-USDT'");
      await con.run("CHECKPOINT");
      return { ddl: String(ddl.getRowObjectsJS()[0].sql), takesBadBar };
    } finally {
      con.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

/** The OMS state the loop's boot code replays from a copy of the state dir (boot cuts torn tails). */
async function omsState(stateDir: string, scratch: string): Promise<unknown> {
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  await copyTree(stateDir, scratch);
  const b = await bootOms(scratch);
  return { classification: b.classification, last: b.last, book: b.book.toJSON(), refused: b.refused };
}

Deno.test("deploy N+1 over N's data, refuse N on it, down-migrate, run N again: bars and OMS state intact", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_deploy_rollback_" });
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    speed: 60,
    startSimMs: EPOCH + HOUR - 2 * MINUTE,
  });
  const store = join(dir, "feed.duckdb"), stateDir = join(dir, "live"), target = join(dir, "backups");
  const data = {
    STORE_PATH: store,
    PARQUET_DIR: join(dir, "parquet"),
    PARTITIONING_ENABLED: "false",
    LIVE_STATE_DIR: stateDir,
    VENUES_ENABLED: "binance",
    SYMBOLS: "BTC-USDT",
    INTERVALS: "1m",
    NO_COLOR: "1",
  };
  const tp = (release: Record<string, string>, script: string, args: string[]) =>
    runScript(`scripts/${script}.ts`, args, { env: { ...data, ...release } });
  const ports = ["--feed-port", "1", "--loop-port", "2"]; // nothing listens there: the services are stopped
  const feeds: FeedProc[] = [];
  const runFeed = async (name: string, release: Record<string, string>, newBars: number) => {
    const feed = await startFeedProc(dir, name, sim.port, { ...data, ...release });
    feeds.push(feed);
    const before = (await feed.bars("binance", "BTC-USDT", "1m")).length;
    await waitFor(
      `${name}: ${newBars} more bars stored`,
      async () => (await feed.bars("binance", "BTC-USDT", "1m")).length >= before + newBars,
      { timeoutMs: 60_000 },
    );
    const st = await feed.child.stop(20_000);
    assert.equal(st.code, 0, `${name} stopped cleanly (see ${feed.logFile})`);
  };
  try {
    // Release N: its feed makes the store (version 1) and stores bars; the loop's writers its state dir.
    await runFeed("feed-n", RELEASE_N, 3);
    await writeStateDir(stateDir);
    assert.equal((await tp(RELEASE_N, "migrate", ["--up", ...ports])).code, 0); // marks the state dir
    const v1 = await tableRules(store);
    assert.equal(v1.ddl, await v1Ddl(dir), "release N's table is version 1's");
    assert.equal(v1.takesBadBar, true);
    const barsN = await allBars(store);
    assert.ok(barsN.length >= 3);
    const omsN = await omsState(stateDir, join(dir, "replay"));
    const versionN = JSON.parse((await tp(RELEASE_N, "version", ["--data", "--json"])).stdout);
    assert.deepEqual(
      [versionN.schemas.store.writes, versionN.data.store.version, versionN.data.store.status],
      [1, 1, "current"],
    );
    assert.deepEqual([versionN.data.event_log.version, versionN.data.event_log.status], [1, "current"]);

    // Pre-flight with N: a backup, verified.
    const backup = await tp(RELEASE_N, "backup", ["--target", target, "--config-dir", "config"]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /; schema store 1, state dir 1$/m);
    const backupDir = /^backup: (.+)$/m.exec(backup.stdout)![1];
    assert.equal((await tp(RELEASE_N, "restore", ["--verify", backupDir])).code, 0);

    // Deploy N+1: status shows the pending step, --up applies it, its feed starts and stores on top.
    const status = await tp(RELEASE_N1, "migrate", ["--status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      new RegExp(`^store ${store}: version 1, this release writes 2; pending: 2 `, "m"),
    );
    const up = await tp(RELEASE_N1, "migrate", ["--up", ...ports]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(
      up.stdout,
      `store ${store}: version 1 -> 2\nstate dir ${stateDir}: version 1, unchanged\n`,
    );
    const v2 = await tableRules(store);
    assert.equal(v2.takesBadBar, false, "version 2 refuses a bar whose low is above its high");
    const migrated = await allBars(store);
    assert.deepEqual(migrated, barsN, "the step kept every bar, every column");
    await runFeed("feed-n1", RELEASE_N1, 2);
    const barsN1 = await allBars(store);
    const byKey = new Map(barsN1.map((r) => [keyOf(r), r]));
    for (const r of barsN) assert.deepEqual(byKey.get(keyOf(r)), r, `bar ${keyOf(r)} kept by N+1`);

    // N refuses N+1's data: the feed, the readers, backup and restore, each with exit 3 and one line.
    const line = `store ${store} is at schema version 2, newer than this release reads (1): refusing to ` +
      "start; the release that upgraded it recorded a down-migration: with that release checked out, stop " +
      "the services and run ./tp migrate --down-to 1 --only store, then start this one";
    const refused = await runScript("scripts/feed.ts", ["--port", "0", "--quiet"], {
      env: simEnv(sim.port, { ...data, ...RELEASE_N }),
    });
    assert.deepEqual([refused.code, refused.stderr], [3, `feed: ${line}\n`]);
    const drift = await tp(RELEASE_N, "drift", ["--db", store, "--venue", "binance", "--symbol", "BTC-USDT"]);
    assert.deepEqual([drift.code, drift.stderr], [3, `drift: ${line}\n`]);
    const bk = await tp(RELEASE_N, "backup", ["--target", target, "--config-dir", "config"]);
    assert.deepEqual([bk.code, bk.stderr], [3, `backup: ${line}\n`]);
    const backupN1 = await tp(RELEASE_N1, "backup", ["--target", target, "--config-dir", "config"]);
    assert.equal(backupN1.code, 0, backupN1.stderr);
    const dirN1 = /^backup: (.+)$/m.exec(backupN1.stdout)![1];
    const rs = await tp(RELEASE_N, "restore", ["--verify", dirN1]);
    assert.equal(rs.code, 3, rs.stdout + rs.stderr);
    assert.match(
      rs.stderr,
      /^restore: backup \S+ holds a store at schema version 2, newer than this release reads \(1\)/,
    );
    const st = await tp(RELEASE_N, "migrate", ["--status"]);
    assert.equal(st.code, 3);
    assert.match(st.stdout, /version 2, NEWER than this release \(1\): it refuses to start on it/);

    // Rollback: N+1's down-migration (with N+1 still checked out), then N starts and runs on it.
    const down = await tp(RELEASE_N1, "migrate", ["--down-to", "1", ...ports]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(
      down.stdout,
      `store ${store}: version 2 -> 1\nstate dir ${stateDir}: version 1; nothing to undo\n`,
    );
    assert.deepEqual(await tableRules(store), v1, "the version 1 table again");
    assert.deepEqual(await allBars(store), barsN1, "every bar, every column, as N+1 left it");
    assert.deepEqual(await omsState(stateDir, join(dir, "replay")), omsN, "the OMS state as N left it");
    await runFeed("feed-n-again", RELEASE_N, 2);
    const after = new Map((await allBars(store)).map((r) => [keyOf(r), r]));
    for (const r of barsN1) {
      assert.deepEqual(after.get(keyOf(r)), r, `bar ${keyOf(r)} kept through the rollback`);
    }
    const versionAgain = JSON.parse((await tp(RELEASE_N, "version", ["--data", "--json"])).stdout);
    assert.deepEqual([versionAgain.data.store.version, versionAgain.data.store.status], [1, "current"]);
    assert.deepEqual(
      versionAgain.data.store.history.map((h: { from: number; to: number }) => [h.from, h.to]),
      [[0, 1], [1, 2], [2, 1]],
    );
    assert.equal((await tp(RELEASE_N, "restore", ["--verify", backupDir])).code, 0);
  } finally {
    for (const f of feeds) await f.child.stop(10_000);
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the live loop refuses a state dir newer than its release before reading it (exit 3, one line)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_deploy_live_" });
  try {
    const stateDir = join(dir, "live");
    await writeStateDir(stateDir);
    // As a release whose state dir step 2 has no down-migration would have left it.
    const history = [
      { from: 0, to: 1, atMs: 1, reason: "state dir from before schema versions", down: false },
      { from: 1, to: 2, atMs: 2, reason: "a later release's step", down: false },
    ];
    await Deno.writeTextFile(join(stateDir, STATE_VERSION_FILE), JSON.stringify({ version: 2, history }));
    const before = await omsState(stateDir, join(dir, "replay"));
    const r = await runScript("scripts/live.ts", ["--port", "0"], {
      env: {
        NO_COLOR: "1",
        LIVE_STATE_DIR: stateDir,
        LIVE_FEED_URL: "http://127.0.0.1:1",
        PEAK_TRADE_AI_EVENTS_JSONL: join(dir, "events.jsonl"),
        BINANCE_API_KEY: KEY,
        BINANCE_API_SECRET: SECRET,
      },
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(
      r.stderr,
      `live: live state dir ${stateDir} is at schema version 2, newer than this release reads (1): refusing ` +
        "to start; no down-migration was recorded for it: run the newer release, or restore the backup taken " +
        "before the upgrade (./tp restore BACKUP --into-place)\n",
    );
    assert.deepEqual(await omsState(stateDir, join(dir, "replay")), before);
    const runs = [...Deno.readDirSync(join(stateDir, "log"))].map((e) => e.name).sort();
    assert.deepEqual(runs, ["run-000001.jsonl", "run-000002.jsonl"], "no run was started");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The DDL DuckDB reports for a bars table made by CREATE_BARS (version 1). */
async function v1Ddl(dir: string): Promise<string> {
  const db = await openDuckDb(join(dir, "v1_ddl.duckdb"), { threads: 1 });
  try {
    const con = await db.connect();
    try {
      await con.run(CREATE_BARS);
      const r = await con.runAndReadAll("SELECT sql FROM duckdb_tables() WHERE table_name = 'bars'");
      return String(r.getRowObjectsJS()[0].sql);
    } finally {
      con.closeSync();
    }
  } finally {
    db.closeSync();
  }
}
