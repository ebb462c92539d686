import assert from "node:assert/strict";
import { openDuckDb } from "./duckdb_open.ts";

Deno.test("openDuckDb: memory_limit and threads reach DuckDB", async () => {
  const db = await openDuckDb(":memory:", { memoryLimit: "64MB", threads: 1 });
  try {
    const con = await db.connect();
    const r = await con.runAndReadAll(
      "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
    );
    const row = r.getRowObjectsJS()[0];
    assert.equal(Number(row.t), 1);
    assert.equal(row.m, "61.0 MiB"); // 64 MB (10^6 bytes) as DuckDB reports it
    con.closeSync();
  } finally {
    db.closeSync();
  }
});

Deno.test("openDuckDb: a bad setting fails with the path and the settings asked for", async () => {
  await assert.rejects(
    openDuckDb(":memory:", { memoryLimit: "lots", threads: 2 }),
    /^Error: store: cannot open :memory: with \{"memory_limit":"lots","threads":"2"\}: /,
  );
});
