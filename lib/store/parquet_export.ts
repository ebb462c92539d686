// PARTITIONING_ENABLED=true: the DuckDB table stays the source of truth; each (venue, symbol,
// interval, UTC date) is mirrored to one hive-style Parquet file, rewritten whole from the table and
// swapped in atomically (temp name in the same directory, then rename), so readers never see a
// half-written file.
//   <dir>/venue=binance/symbol=BTC-USDT/interval=1m/date=2024-05-14/part-0000.parquet
// Flush policy: every store write marks its days dirty; the store rewrites the dirty day files right
// after the write commits (one closed-bar batch -> one rewrite per touched day). A day file holds at
// most 1440 rows (1m), so a rewrite costs milliseconds.
import type { DuckDBConnection } from "@duckdb/node-api";
import { join } from "node:path";
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import { BAR_COLUMNS, sqlString } from "./bar_row.ts";

const DAY_MS = 86_400_000;
/** Columns inside each file; venue/symbol/interval/date live in the path (hive partitioning). */
const FILE_COLUMNS = BAR_COLUMNS.filter((c) => c !== "venue" && c !== "symbol" && c !== "interval");

export interface DayKey {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** UTC midnight of the day, ms. */
  readonly dayStartMs: number;
}

export function dayKeyOf(venue: Venue, symbol: SymbolName, interval: Interval, openTimeMs: number): DayKey {
  return { venue, symbol, interval, dayStartMs: openTimeMs - (((openTimeMs % DAY_MS) + DAY_MS) % DAY_MS) };
}

/** The day file's path relative to the Parquet root. */
export function dayFilePath(k: DayKey): string {
  const date = new Date(k.dayStartMs).toISOString().slice(0, 10);
  return join(
    `venue=${k.venue}`,
    `symbol=${k.symbol}`,
    `interval=${k.interval}`,
    `date=${date}`,
    "part-0000.parquet",
  );
}

export class ParquetExport {
  readonly dir: string;
  private readonly dirty = new Map<string, DayKey>();
  private seq = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  mark(k: DayKey): void {
    this.dirty.set(`${k.venue}|${k.symbol}|${k.interval}|${k.dayStartMs}`, k);
  }

  get pending(): number {
    return this.dirty.size;
  }

  /** Rewrites every dirty day file from the table; returns the files written. */
  async flush(con: DuckDBConnection): Promise<string[]> {
    const written: string[] = [];
    for (const [id, k] of [...this.dirty]) {
      written.push(await this.writeDay(con, k));
      this.dirty.delete(id);
    }
    return written;
  }

  /** Writes one day file atomically: COPY to a temp name beside it, then rename over the old one. */
  async writeDay(con: DuckDBConnection, k: DayKey): Promise<string> {
    const path = join(this.dir, dayFilePath(k));
    const dir = join(path, "..");
    await Deno.mkdir(dir, { recursive: true });
    const tmp = join(dir, `.part-0000.parquet.${Deno.pid}.${this.seq++}.tmp`);
    const query = `SELECT ${FILE_COLUMNS.join(", ")} FROM bars WHERE venue = ${
      sqlString(k.venue)
    } AND symbol = ${sqlString(k.symbol)} AND interval = ${
      sqlString(k.interval)
    } AND open_time >= ${k.dayStartMs} AND open_time < ${k.dayStartMs + DAY_MS} ORDER BY open_time`;
    try {
      await con.run(`COPY (${query}) TO ${sqlString(tmp)} (FORMAT parquet)`);
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
    return path;
  }
}
