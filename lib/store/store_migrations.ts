// The feed store's migrations (the mechanism: lib/util/schema_plan.ts, store_schema.ts). Version 1 is
// the bars table as CREATE_BARS makes it. Each step runs inside one DuckDB transaction with the row
// that records it, so a store is at one version or the next, never between.
import type { DuckDBConnection } from "@duckdb/node-api";
import { checkRegistry, type Registry } from "../util/schema_plan.ts";
import { BAR_COLUMNS, CREATE_BARS } from "./bar_row.ts";

/** The bars table's columns and key as CREATE_BARS declares them (the text between its parentheses). */
const BARS_BODY = CREATE_BARS.slice(CREATE_BARS.indexOf("(") + 1, CREATE_BARS.lastIndexOf(")")).trimEnd();

/**
 * Version 2's row rules. Until then only storeProblem (JavaScript, in front of BarStore's writes)
 * guarded the source of truth, and it checks numbers are finite, not that a bar is a bar: any other
 * writer (a replay of a damaged recording, a hand-edited backup brought back with IMPORT DATABASE, a
 * bug) could store a low above its high or a zero price, and drift, backtests and the loop's marks
 * would take it as market data. The adapters already drop such frames (price <= 0, volume < 0), so a
 * feed never writes one: DuckDB now refuses them too, whoever writes. (Open and close inside
 * [low, high] is not a rule yet: stores and fixtures written so far do not all keep it, and a step
 * that refuses to run on the data it finds is one an operator must clean up after first.)
 */
export const BAR_RULES = [
  "o > 0 AND h > 0 AND l > 0 AND c > 0",
  "l <= h",
  "v >= 0",
  "trades >= 0",
] as const;

const COLUMNS = BAR_COLUMNS.join(", ");

/**
 * Rebuilds the bars table with `rules` (DuckDB cannot add a CHECK to a table): a new table, every row
 * copied column by column (doubles keep their bits), the old one dropped, the new one renamed. Runs in
 * the caller's transaction.
 */
async function rebuildBars(con: DuckDBConnection, rules: readonly string[]): Promise<void> {
  const checks = rules.map((r) => `,\n  CHECK (${r})`).join("");
  await con.run(`CREATE TABLE bars_next (${BARS_BODY}${checks}\n)`);
  await con.run(`INSERT INTO bars_next (${COLUMNS}) SELECT ${COLUMNS} FROM bars`);
  await con.run("DROP TABLE bars");
  await con.run("ALTER TABLE bars_next RENAME TO bars");
}

/** Thrown when stored rows break a rule the next version adds: the step is rolled back, nothing changed. */
async function refuseBrokenRows(con: DuckDBConnection, rules: readonly string[]): Promise<void> {
  const broken = `NOT ((${rules.join(") AND (")}))`;
  const r = await con.runAndReadAll(
    `SELECT count(*) OVER () AS n, venue, symbol, interval, open_time, o, h, l, c, v, trades FROM bars
       WHERE ${broken} ORDER BY venue, symbol, interval, open_time LIMIT 1`,
  );
  const row = r.getRowObjectsJS()[0];
  if (!row) return;
  const at = `${row.venue} ${row.symbol} ${row.interval} open_time ${row.open_time}`;
  throw new RangeError(
    `${row.n} stored bar(s) break the version 2 rules (${rules.join("; ")}), first ${at} ` +
      `(o ${row.o} h ${row.h} l ${row.l} c ${row.c} v ${row.v} trades ${row.trades}); ` +
      "delete or correct them with release 1, then start again",
  );
}

export const STORE_MIGRATIONS: Registry<DuckDBConnection> = checkRegistry({
  name: "store",
  migrations: [
    {
      to: 2,
      reason: "bars: DuckDB refuses impossible bars (prices > 0, low <= high, volume and trades >= 0), " +
        "whoever writes",
      up: async (con) => {
        await refuseBrokenRows(con, BAR_RULES);
        await rebuildBars(con, BAR_RULES);
      },
      // Lossless: every row version 2 holds is a row version 1 accepts.
      down: (con) => rebuildBars(con, []),
    },
  ],
});
