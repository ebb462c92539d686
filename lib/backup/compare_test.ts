import assert from "node:assert/strict";
import { allProblems, compareBackup, type Observed } from "./compare.ts";
import { type BackupManifest, FORMAT } from "./manifest.ts";

const H = (c: string) => c.repeat(64);
const oms = {
  classification: "clean",
  last: { run: 1, seq: 3, hash: H("c") },
  book_sha256: H("d"),
  orders: 1,
  refused: 0,
  snapshot: { source: "none", run: 0, seq: 0 },
};
const log = {
  runs: [{
    run: 1,
    file: "log/run-000001.jsonl",
    records: 3,
    last_seq: 3,
    last_hash: H("c"),
    status: "clean",
    cut_bytes: 0,
  }],
  records: 3,
  last: { run: 1, seq: 3, hash: H("c") },
};
const MANIFEST: BackupManifest = {
  format: FORMAT,
  created_at: "2026-01-01T00:00:00.000Z",
  tickproof_commit: "abc",
  sources: { store: "s", store_copied_by: "x", parquet_dir: "p", state_dir: "l", config_dir: "c" },
  duckdb: {
    tables: { bars: 10 },
    queries: [{
      key: "streams",
      sql: "q",
      answer: [{ venue: "binance", bars: "10" }, { venue: "okx", bars: "2" }],
    }],
  },
  parquet: { files: 1, rows: 10 },
  live_state: { files: 2, event_log: log, oms },
  config: { files: 1 },
  files: [{ path: "store/bars.parquet", sha256: H("a"), size: 5 }, {
    path: "config/x.json",
    sha256: H("b"),
    size: 2,
  }],
};
const SAME: Observed = {
  files: MANIFEST.files,
  duckdb: MANIFEST.duckdb,
  parquet: MANIFEST.parquet,
  live_state: { event_log: log, oms },
  errors: {},
};

Deno.test("compare: a restore that found what the manifest says has no problem", () => {
  assert.deepEqual(allProblems(compareBackup(MANIFEST, SAME)), []);
});

Deno.test("compare: each disagreement is one line naming its file, table, query or record", () => {
  const p = compareBackup(MANIFEST, {
    files: [
      { path: "store/bars.parquet", sha256: H("e"), size: 5 },
      { path: "extra.txt", sha256: H("f"), size: 1 },
    ],
    duckdb: {
      tables: { bars: 9 },
      queries: [{
        key: "streams",
        sql: "q",
        answer: [{ venue: "binance", bars: "10" }, { venue: "okx", bars: "1" }],
      }],
    },
    parquet: { files: 1, rows: 9 },
    live_state: { event_log: log, oms: { ...oms, book_sha256: H("9") } },
    errors: {},
  });
  assert.deepEqual(p.files, [
    "store/bars.parquet: SHA-256 differs from the manifest (tampered or damaged)",
    "config/x.json: listed in the manifest but missing",
    "extra.txt: not in the manifest",
  ]);
  assert.deepEqual(p.tables, ["table bars: 9 rows restored, 10 at backup"]);
  assert.deepEqual(p.queries, [
    'query streams row 2: {"venue":"okx","bars":"2"} at backup, {"venue":"okx","bars":"1"} restored',
  ]);
  assert.deepEqual(p.parquet, [
    'parquet/: {"files":1,"rows":9} restored, {"files":1,"rows":10} at backup (files, rows)',
  ]);
  assert.deepEqual(p.event_log, [
    "event log replay: OMS book 999999999999 (1 orders) restored, dddddddddddd (1 orders) at backup",
  ]);
});

Deno.test("compare: a part that could not be restored fails its checks with why", () => {
  const p = compareBackup(MANIFEST, {
    ...SAME,
    duckdb: null,
    live_state: null,
    errors: {
      tables: "store/: IMPORT DATABASE failed: boom",
      event_log: "live_state/: cannot be replayed: x",
    },
  });
  assert.deepEqual(p.tables, ["store/: IMPORT DATABASE failed: boom"]);
  assert.deepEqual(p.queries, ["store/: IMPORT DATABASE failed: boom"]);
  assert.deepEqual(p.event_log, ["live_state/: cannot be replayed: x"]);
  assert.deepEqual(p.files, []);
});
