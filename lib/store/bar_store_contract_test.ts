// One contract suite (testing/bar_store_contract.ts) against both bar stores: the embedded DuckDB
// BarStore on files in a temp folder, and PgBarStore on a real PostgreSQL started by pg_server.ts on
// a free port (each case in a new database of that one cluster).
import { join } from "node:path";
import { barStoreContract } from "../../testing/bar_store_contract.ts";
import { BarStore } from "./bar_store.ts";
import type { BarStoreApi } from "./bar_store_api.ts";
import { PgBarStore } from "./pg_bar_store.ts";
import { openPgPool } from "./pg_client.ts";
import { startPostgres } from "./pg_server.ts";

// Compile-time part of the contract: today's BarStore is a BarStoreApi as it is.
const _duckDbIsABarStore: (s: BarStore) => BarStoreApi = (s) => s;

Deno.test("bar store contract: DuckDB (BarStore)", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "bar_store_contract_" });
  let n = 0;
  try {
    await barStoreContract(t, {
      name: "duckdb",
      multiWriter: false,
      newDatabase: () => {
        const path = join(dir, `store_${n++}.duckdb`);
        return Promise.resolve({ open: () => BarStore.open(path) });
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bar store contract: PostgreSQL (PgBarStore)", async (t) => {
  const pg = await startPostgres();
  const admin = openPgPool(pg.url, { max: 1 });
  let n = 0;
  try {
    await barStoreContract(t, {
      name: "postgres",
      multiWriter: true,
      newDatabase: async () => {
        const name = `contract_${n++}`;
        await admin.query(`CREATE DATABASE ${name}`);
        const url = pg.url.replace(/\/postgres$/, `/${name}`);
        return { open: () => PgBarStore.open(url) };
      },
    });
  } finally {
    await admin.close();
    await pg.stop();
  }
});
