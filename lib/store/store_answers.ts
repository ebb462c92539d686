// The questions a store copy must answer exactly as the store did: every table's row count, and per
// stream (venue, symbol, interval) its bars, first and last open time, trades and non-null features,
// the origins' counts and a SHA-256 over the newest bars of each stream, every column. A backup
// records the answers the store gave at the moment of its copy; a restore asks its copy again and
// must get the same. Works on any connection: the feed's, a read-only one, a restored scratch store.
import type { DuckDBConnection } from "@duckdb/node-api";
import { sha256Hex } from "../evidence/sha256.ts";
import { FEATURE_KEYS } from "../features/feature_set.ts";
import { BAR_COLUMNS } from "./bar_row.ts";

/** Bars per stream that the slice checksum covers (the newest). */
export const SLICE_BARS = 1000;

export interface QueryAnswer {
  /** Stable name of the question, e.g. `streams`. */
  readonly key: string;
  readonly sql: string;
  /** The rows it answered, BIGINTs as decimal strings (JSON has no 64-bit integers). */
  readonly answer: unknown;
}

export interface StoreAnswers {
  /** Rows per table of the main schema, by name. */
  readonly tables: Readonly<Record<string, number>>;
  readonly queries: readonly QueryAnswer[];
}

const jsonSafe = (v: unknown): unknown => typeof v === "bigint" ? v.toString() : v;

async function rows(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJS().map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonSafe(v)]))
  );
}

const STREAM = "venue, symbol, interval";
const STREAMS_SQL = `SELECT ${STREAM}, count(*) AS bars, min(open_time) AS first_open_time,
  max(open_time) AS last_open_time, sum(trades) AS trades, ${
  FEATURE_KEYS.map((k) => `count(${k}) AS ${k}_non_null`).join(", ")
}
  FROM bars GROUP BY ${STREAM} ORDER BY ${STREAM}`;
const ORIGINS_SQL = "SELECT origin, count(*) AS bars FROM bars GROUP BY origin ORDER BY origin";
const SLICE_SQL = `SELECT ${BAR_COLUMNS.join(", ")} FROM (
  SELECT *, row_number() OVER (PARTITION BY ${STREAM} ORDER BY open_time DESC) AS newest
  FROM bars) WHERE newest <= ${SLICE_BARS} ORDER BY ${STREAM}, open_time`;

/**
 * SHA-256 per stream over its newest bars, one JSON array of every column per bar (doubles print as
 * their shortest round-trip text, so equal hashes mean equal bits).
 */
async function sliceSums(con: DuckDBConnection): Promise<unknown[]> {
  const out: { venue: unknown; symbol: unknown; interval: unknown; bars: number; sha256: string }[] = [];
  // A stream's lines are joined and hashed once (at most SLICE_BARS lines: small).
  let key = "", lines = "", n = 0, cur: Record<string, unknown> = {};
  const flush = () => {
    if (n > 0) {
      out.push({
        venue: cur.venue,
        symbol: cur.symbol,
        interval: cur.interval,
        bars: n,
        sha256: sha256Hex(lines),
      });
    }
  };
  for (const r of await rows(con, SLICE_SQL)) {
    const k = `${r.venue}|${r.symbol}|${r.interval}`;
    if (k !== key) {
      flush();
      [key, lines, n, cur] = [k, "", 0, r];
    }
    lines += JSON.stringify(BAR_COLUMNS.map((c) => r[c])) + "\n";
    n++;
  }
  flush();
  return out;
}

/** Row counts of every base table in the main schema. */
export async function tableRows(con: DuckDBConnection): Promise<Record<string, number>> {
  const names = await rows(
    con,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, number> = {};
  for (const { table_name } of names) {
    const name = String(table_name);
    const [r] = await rows(con, `SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`);
    out[name] = Number(r.n);
  }
  return out;
}

/** Every answer a copy of this store must give again. */
export async function storeAnswers(con: DuckDBConnection): Promise<StoreAnswers> {
  const tables = await tableRows(con);
  if (!("bars" in tables)) return { tables, queries: [] };
  return {
    tables,
    queries: [
      { key: "streams", sql: STREAMS_SQL, answer: await rows(con, STREAMS_SQL) },
      { key: "origins", sql: ORIGINS_SQL, answer: await rows(con, ORIGINS_SQL) },
      { key: `slice_sha256_newest_${SLICE_BARS}`, sql: SLICE_SQL, answer: await sliceSums(con) },
    ],
  };
}
