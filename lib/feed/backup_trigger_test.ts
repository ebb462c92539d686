import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureBar } from "../../testing/backup_fixture.ts";
import { BarStore } from "../store/bar_store.ts";
import { openDuckDb } from "../store/duckdb_open.ts";
import { pendingRequests, readDone, requestPath, spoolDir, writeRequest } from "../store/backup_spool.ts";
import { storeAnswers } from "../store/store_answers.ts";
import { BackupTrigger } from "./backup_trigger.ts";

async function withStore(body: (root: string, store: BarStore, trigger: BackupTrigger) => Promise<void>) {
  const root = await Deno.makeTempDir();
  const store = await BarStore.open(join(root, "feed.duckdb"), { parquetDir: join(root, "parquet") });
  const trigger = new BackupTrigger({
    spool: spoolDir(join(root, "feed.duckdb")),
    parquetDir: join(root, "parquet"),
    exclusive: (job) => store.exclusive(job),
    log: () => {},
    now: () => 1_000,
  });
  try {
    await body(root, store, trigger);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("backup trigger: a request is answered with an export that imports to the store's own answers", async () => {
  await withStore(async (root, store, trigger) => {
    await store.upsertBars(Array.from({ length: 30 }, (_, i) => fixtureBar(i)));
    const spool = spoolDir(join(root, "feed.duckdb"));
    await Deno.mkdir(join(root, "stage"));
    const req = {
      version: 1 as const,
      id: "req-one-0001",
      storeDir: join(root, "stage", "store"),
      parquetTo: join(root, "stage", "parquet"),
      deadlineMs: 2_000,
    };
    await writeRequest(spool, req);
    assert.equal(await trigger.poll(), 1);
    const done = await readDone(spool, req.id);
    assert.ok(done?.ok, JSON.stringify(done));
    // schema_meta: the store made at version 1, then its step to 2 (lib/store/store_schema.ts).
    assert.deepEqual(done.tables, { bars: 30, schema_meta: 2 });
    assert.deepEqual(done.parquet, {
      files: 1,
      bytes: (await Deno.stat(
        join(
          root,
          "stage/parquet/venue=bybit/symbol=ETH-USDT/interval=1m/date=2024-05-14/part-0000.parquet",
        ),
      )).size,
    });
    assert.deepEqual(await pendingRequests(spool), []);
    // The export, imported into a fresh file, answers exactly as the store did.
    const db = await openDuckDb(join(root, "restored.duckdb"), {});
    const con = await db.connect();
    await con.run(`IMPORT DATABASE '${req.storeDir}'`);
    const restored = await storeAnswers(con);
    con.closeSync();
    db.closeSync();
    assert.deepEqual({ tables: restored.tables, queries: restored.queries }, {
      tables: done.tables,
      queries: done.queries,
    });
    await store.upsertBar({ ...fixtureBar(3), c: 1 });
    const changed = await store.exclusive((c) => storeAnswers(c));
    assert.notDeepEqual(changed.queries, done.queries); // a changed close changes the slice checksum
  });
});

Deno.test("backup trigger: a stale request is dropped unanswered; a bad one is answered with why", async () => {
  await withStore(async (root, _store, trigger) => {
    const spool = spoolDir(join(root, "feed.duckdb"));
    const base = { version: 1 as const, parquetTo: join(root, "p"), deadlineMs: 2_000 };
    await writeRequest(spool, { ...base, id: "stale-00001", storeDir: join(root, "a"), deadlineMs: 999 });
    await writeRequest(spool, { ...base, id: "noparent-01", storeDir: join(root, "missing", "store") });
    await Deno.writeTextFile(requestPath(spool, "garbled-001"), '{"version":1}\n');
    assert.equal(await trigger.poll(), 2);
    assert.equal(await readDone(spool, "stale-00001"), null);
    const noParent = await readDone(spool, "noparent-01");
    assert.equal(noParent?.ok, false);
    assert.match(noParent.ok ? "" : noParent.error, /its folder must be new and its parent must exist/);
    const garbled = await readDone(spool, "garbled-001");
    assert.match(garbled && !garbled.ok ? garbled.error : "", /^id /);
    assert.deepEqual(await pendingRequests(spool), []);
    await assert.rejects(Deno.stat(join(root, "a")), Deno.errors.NotFound);
  });
});
