// A DuckDB file that is not a feed store (one table `t`, no bars): what a reader of the store must
// refuse in one line rather than read as an empty store.
import { DuckDBInstance } from "@duckdb/node-api";

export async function writeNotAStore(path: string): Promise<void> {
  const db = await DuckDBInstance.create(path);
  try {
    const con = await db.connect();
    try {
      await con.run("CREATE TABLE t (x INTEGER)");
    } finally {
      con.closeSync();
    }
  } finally {
    db.closeSync();
  }
}
