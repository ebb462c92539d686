// The bars table: one row per (venue, symbol, interval, open_time) with the bar, its features and
// when it closed. Shared by the DuckDB store and the Parquet export.
import type { DuckDBPreparedStatement } from "@duckdb/node-api";
import type { ClosedBar, Features, Interval, SymbolName, Venue } from "../market/types.ts";
import { INTERVALS, VENUES } from "../market/types.ts";
import { FEATURE_KEYS } from "../features/feature_set.ts";

export const CREATE_BARS = `CREATE TABLE IF NOT EXISTS bars (
  venue VARCHAR NOT NULL,
  symbol VARCHAR NOT NULL,
  interval VARCHAR NOT NULL,
  open_time BIGINT NOT NULL,
  o DOUBLE NOT NULL,
  h DOUBLE NOT NULL,
  l DOUBLE NOT NULL,
  c DOUBLE NOT NULL,
  v DOUBLE NOT NULL,
  trades INTEGER NOT NULL,
  origin VARCHAR NOT NULL CHECK (origin IN ('trades', 'flat', 'backfill')),
  ema_12 DOUBLE,
  ema_26 DOUBLE,
  sma_20 DOUBLE,
  rsi_14 DOUBLE,
  atr_14 DOUBLE,
  vwap_session_utc DOUBLE,
  closed_at BIGINT NOT NULL,
  PRIMARY KEY (venue, symbol, interval, open_time)
)`;

/** Every column in table order (open_time and closed_at are epoch milliseconds). */
export const BAR_COLUMNS = [
  "venue",
  "symbol",
  "interval",
  "open_time",
  "o",
  "h",
  "l",
  "c",
  "v",
  "trades",
  "origin",
  ...FEATURE_KEYS,
  "closed_at",
] as const;

const VALUES = `(${BAR_COLUMNS.join(", ")}) VALUES (${BAR_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`;

/** Idempotent upsert: a restart or a backfill replaces the row for the same key, never duplicates it. */
export const UPSERT_BAR = `INSERT OR REPLACE INTO bars ${VALUES}`;

/**
 * A plain insert, tried first for a single bar (almost always a new key). DuckDB 1.5 keeps ~0.7 KB
 * of native memory per statement with an ON CONFLICT / OR REPLACE clause, conflict or not, so a
 * long-running feed grew without bound; a plain insert keeps none. On a duplicate key it fails and
 * the store falls back to UPSERT_BAR.
 */
export const INSERT_BAR = `INSERT INTO bars ${VALUES}`;

/** Venue and symbol end up in file paths (Parquet partitions): only plain characters pass. */
const SAFE = /^[A-Za-z0-9._-]{1,64}$/;

/** Why a closed bar must not be stored, or null when it is fine. */
export function storeProblem(b: ClosedBar): string | null {
  if (!(VENUES as readonly string[]).includes(b.venue)) return `unknown venue "${b.venue}"`;
  if (!SAFE.test(b.symbol)) return `symbol "${b.symbol}" has characters outside [A-Za-z0-9._-]`;
  if (!(b.interval in INTERVALS)) return `unknown interval "${b.interval}"`;
  if (!Number.isSafeInteger(b.openTimeMs)) return `openTimeMs must be an integer, got ${b.openTimeMs}`;
  if (!Number.isSafeInteger(b.closedAtMs)) return `closedAtMs must be an integer, got ${b.closedAtMs}`;
  for (const f of ["o", "h", "l", "c", "v"] as const) {
    if (!Number.isFinite(b[f])) return `field "${f}" must be a finite number, got ${b[f]}`;
  }
  if (!Number.isSafeInteger(b.trades) || b.trades < 0 || b.trades > 2 ** 31 - 1) {
    return `trades must be a whole number >= 0, got ${b.trades}`;
  }
  if (b.origin !== "trades" && b.origin !== "flat" && b.origin !== "backfill") {
    return `bad origin "${b.origin}"`;
  }
  for (const k of FEATURE_KEYS) {
    const x = b.features[k];
    if (x !== null && !Number.isFinite(x)) return `feature "${k}" must be a finite number or null, got ${x}`;
  }
  return null;
}

/**
 * Binds a bar's row to the UPSERT_BAR statement, column by column with the typed binders. Not
 * `bind(values)`: that creates a native DuckDB value per parameter, freed only by a N-API finalizer
 * that Deno does not run, so every stored bar leaked ~1.6 KB of native memory.
 */
export function bindBar(stmt: DuckDBPreparedStatement, b: ClosedBar): void {
  stmt.bindVarchar(1, b.venue);
  stmt.bindVarchar(2, b.symbol);
  stmt.bindVarchar(3, b.interval);
  stmt.bindBigInt(4, BigInt(b.openTimeMs));
  stmt.bindDouble(5, b.o);
  stmt.bindDouble(6, b.h);
  stmt.bindDouble(7, b.l);
  stmt.bindDouble(8, b.c);
  stmt.bindDouble(9, b.v);
  stmt.bindInteger(10, b.trades);
  stmt.bindVarchar(11, b.origin);
  for (let i = 0; i < FEATURE_KEYS.length; i++) {
    const x = b.features[FEATURE_KEYS[i]];
    if (x === null) stmt.bindNull(12 + i);
    else stmt.bindDouble(12 + i, x);
  }
  stmt.bindBigInt(12 + FEATURE_KEYS.length, BigInt(b.closedAtMs));
}

/** A row read back (getRowObjectsJS: BIGINT arrives as bigint) as a ClosedBar. */
export function rowToBar(r: Record<string, unknown>): ClosedBar {
  const num = (x: unknown): number => typeof x === "bigint" ? Number(x) : x as number;
  const features = Object.fromEntries(
    FEATURE_KEYS.map((k) => [k, r[k] === null ? null : num(r[k])]),
  ) as unknown as Features;
  return {
    venue: r.venue as Venue,
    symbol: r.symbol as SymbolName,
    interval: r.interval as Interval,
    openTimeMs: num(r.open_time),
    o: num(r.o),
    h: num(r.h),
    l: num(r.l),
    c: num(r.c),
    v: num(r.v),
    trades: num(r.trades),
    origin: r.origin as ClosedBar["origin"],
    features,
    closedAtMs: num(r.closed_at),
  };
}

/** A SQL string literal (for COPY, which takes no parameters); inputs are validated beforehand. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
