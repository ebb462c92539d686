// The PostgreSQL bar store's statements and row encodings. Pure. Same columns and key as the DuckDB
// store (BAR_COLUMNS); the upsert is PostgreSQL's ON CONFLICT ... DO UPDATE (DuckDB: INSERT OR REPLACE).
// Batches go through COPY into a per-session staging table, then one INSERT ... SELECT upsert.
import type { ClosedBar } from "../market/types.ts";
import { FEATURE_KEYS } from "../features/feature_set.ts";
import { BAR_COLUMNS } from "./bar_row.ts";
import type { PgParam } from "./pg_client.ts";
import { POSITIONS } from "./pg_store_schema.ts";

const KEY = ["venue", "symbol", "interval", "open_time"] as const;
const COLUMNS = BAR_COLUMNS.join(", ");
const UPDATE = BAR_COLUMNS.filter((c) => !(KEY as readonly string[]).includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`).join(", ");
const ON_CONFLICT = `ON CONFLICT (${KEY.join(", ")}) DO UPDATE SET ${UPDATE}`;

/** One bar: a new key is inserted, a stored one replaced, never duplicated. */
export const PG_UPSERT_BAR = `INSERT INTO bars (${COLUMNS}) VALUES (${
  BAR_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")
}) ${ON_CONFLICT}`;

export const STAGE = "bars_stage";
/** Per session, emptied at every commit: no CHECKs or key there (the upsert into bars applies them). */
export const PG_CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (LIKE bars) ON COMMIT DELETE ROWS`;

/**
 * The staged rows into bars in key order: two writers upserting overlapping batches take the row locks
 * in the same order, so they wait for each other instead of deadlocking.
 */
export const PG_UPSERT_STAGED = `INSERT INTO bars (${COLUMNS}) SELECT ${COLUMNS} FROM ${STAGE}
  ORDER BY ${KEY.join(", ")} ${ON_CONFLICT}`;

/** A consumer's position moves forward only: a redelivered older batch leaves it where it is. */
export const PG_SET_POSITION = `INSERT INTO ${POSITIONS} (consumer, last_seq) VALUES ($1, $2)
  ON CONFLICT (consumer) DO UPDATE SET last_seq = GREATEST(${POSITIONS}.last_seq, EXCLUDED.last_seq),
  updated_at = now()`;

/** A double as PostgreSQL reads it back bit for bit (String(-0) would lose the sign). */
function num(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/** A bar's values in BAR_COLUMNS order, as PG_UPSERT_BAR's parameters. */
export function barParams(b: ClosedBar): PgParam[] {
  const f = FEATURE_KEYS.map((k) => b.features[k] === null ? null : num(b.features[k]!));
  return [
    b.venue,
    b.symbol,
    b.interval,
    b.openTimeMs,
    num(b.o),
    num(b.h),
    num(b.l),
    num(b.c),
    num(b.v),
    b.trades,
    b.origin,
    ...f,
    b.closedAtMs,
  ];
}

/** COPY's text format escapes (backslash, tab, newline, carriage return); \N is null. */
function cell(x: PgParam): string {
  if (x === null) return "\\N";
  return String(x).replace(
    /[\\\t\n\r]/g,
    (c) => c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}

/** Bars as COPY text rows in BAR_COLUMNS order. */
export function copyText(bars: readonly ClosedBar[]): string {
  let out = "";
  for (const b of bars) out += barParams(b).map(cell).join("\t") + "\n";
  return out;
}

/** One copy per key, the last one given (as sequential upserts would leave it), in key order. */
export function lastPerKey(bars: readonly ClosedBar[]): ClosedBar[] {
  const byKey = new Map<string, ClosedBar>();
  for (const b of bars) byKey.set(`${b.venue}\u0000${b.symbol}\u0000${b.interval}\u0000${b.openTimeMs}`, b);
  const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;
  return [...byKey.values()].sort((a, b) =>
    cmp(a.venue, b.venue) || cmp(a.symbol, b.symbol) || cmp(a.interval, b.interval) ||
    a.openTimeMs - b.openTimeMs
  );
}
