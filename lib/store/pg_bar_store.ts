// Bars + features in PostgreSQL (STORE_URL=postgres://...), for feeds and consumers on several machines
// sharing one store. Same table, key, row rules and schema versions as the DuckDB BarStore; the same
// BarStoreApi, so the contract suite runs against both. Many writers: PostgreSQL serialises them per
// key (upsert by primary key), so two writers of one bar leave one row. A batch is one transaction
// (COPY into a staging table, then one upsert); a bus consumer's position is recorded in that same
// transaction (upsertBarsAt), so a writer killed mid-batch leaves neither the bars nor the position.
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import type { BarFilter, Span } from "./bar_queries.ts";
import { BAR_COLUMNS, rowToBar, storeProblem } from "./bar_row.ts";
import type { PositionedBarStore, StreamPosition } from "./bar_store_api.ts";
import {
  barParams,
  copyText,
  lastPerKey,
  PG_CREATE_STAGE,
  PG_SET_POSITION,
  PG_UPSERT_BAR,
  PG_UPSERT_STAGED,
  STAGE,
} from "./pg_bar_sql.ts";
import { openPgPool, type PgConn, pgErrorOf, type PgPool } from "./pg_client.ts";
import { PG_STORE_MIGRATIONS, POSITIONS, preparePgStore, ruleOfConstraint } from "./pg_store_schema.ts";
import type { Registry } from "../util/schema_plan.ts";
import { redactUrl } from "./store_url.ts";

export interface PgBarStoreOptions {
  /** Schema steps (pg_store_schema.ts): this release's by default; `migrate: false` for readers. */
  readonly schema?: { readonly registry?: Registry<PgConn>; readonly migrate?: boolean };
  /** Connections at most (default 4). */
  readonly maxConnections?: number;
  /** application_name in pg_stat_activity (default "tickproof"). */
  readonly applicationName?: string;
  /**
   * Runs inside every batch's transaction after its writes, before COMMIT. A fault drill's hook: the
   * place to kill the writer "mid-batch" and show that nothing of the batch lands.
   */
  readonly beforeCommit?: () => Promise<void>;
}

const STREAM = "venue = $1 AND symbol = $2 AND interval = $3";

export class PgBarStore implements PositionedBarStore {
  private closed = false;

  private constructor(
    private readonly pool: PgPool,
    private readonly opts: PgBarStoreOptions,
    /** The schema version open() found or brought the database to (the feed's /health reports it). */
    readonly schemaVersion: number | null,
  ) {}

  /** Connects, creates the schema when the database has none (unless told not to) and checks its version. */
  static async open(url: string, opts: PgBarStoreOptions = {}): Promise<PgBarStore> {
    const pool = openPgPool(url, { max: opts.maxConnections, applicationName: opts.applicationName });
    try {
      const v = await preparePgStore(pool, {
        registry: opts.schema?.registry ?? PG_STORE_MIGRATIONS,
        migrate: opts.schema?.migrate ?? true,
        where: redactUrl(url),
      });
      return new PgBarStore(pool, opts, v.version);
    } catch (err) {
      await pool.close(1).catch(() => {});
      throw err;
    }
  }

  upsertBar(bar: ClosedBar): Promise<void> {
    const problem = storeProblem(bar);
    if (problem !== null) return Promise.reject(new RangeError(`store: ${problem}`));
    return this.run(async () => void await this.pool.query(PG_UPSERT_BAR, barParams(bar)));
  }

  upsertBars(bars: readonly ClosedBar[]): Promise<void> {
    const bad = batchProblem(bars);
    if (bad !== null) return Promise.reject(bad);
    if (bars.length === 0) return Promise.resolve();
    return this.run(() => this.pool.transaction((tx) => this.writeBatch(tx, bars)));
  }

  upsertBarsAt(bars: readonly ClosedBar[], at: StreamPosition): Promise<void> {
    const bad = batchProblem(bars) ?? positionProblem(at);
    if (bad !== null) return Promise.reject(bad);
    return this.run(() =>
      this.pool.transaction(async (tx) => {
        await tx.query(PG_SET_POSITION, [at.consumer, at.seq]);
        await this.writeBatch(tx, bars);
      })
    );
  }

  lastSequence(consumer: string): Promise<number | null> {
    return this.run(async () => {
      const r = await this.pool.query(`SELECT last_seq FROM ${POSITIONS} WHERE consumer = $1`, [consumer]);
      return r.rows.length === 0 ? null : Number(r.rows[0].last_seq);
    });
  }

  recentBars(venue: Venue, symbol: SymbolName, interval: Interval, limit: number): Promise<ClosedBar[]> {
    return badLimit(limit) ?? this.bars(
      `SELECT * FROM (SELECT * FROM bars WHERE ${STREAM} ORDER BY open_time DESC LIMIT $4) AS r ORDER BY open_time`,
      [venue, symbol, interval, limit],
    );
  }

  barsAfter(venue: Venue, symbol: SymbolName, interval: Interval, afterMs: number, limit: number) {
    return badLimit(limit) ?? this.bars(
      `SELECT * FROM bars WHERE ${STREAM} AND open_time > $4 ORDER BY open_time LIMIT $5`,
      [venue, symbol, interval, afterMs, limit],
    );
  }

  countBars(filter: BarFilter = {}): Promise<number> {
    return this.run(async () => {
      const r = await this.pool.query(
        `SELECT count(*) AS n FROM bars WHERE ($1::varchar IS NULL OR venue = $1)
           AND ($2::varchar IS NULL OR symbol = $2) AND ($3::varchar IS NULL OR interval = $3)
           AND ($4::bigint IS NULL OR open_time >= $4) AND ($5::bigint IS NULL OR open_time < $5)`,
        [
          filter.venue ?? null,
          filter.symbol ?? null,
          filter.interval ?? null,
          filter.fromMs ?? null,
          filter.toMs ?? null,
        ],
      );
      return Number(r.rows[0].n);
    });
  }

  span(venue: Venue, symbol: SymbolName, interval: Interval): Promise<Span | null> {
    return this.run(async () => {
      const r = await this.pool.query(
        `SELECT min(open_time) AS f, max(open_time) AS l FROM bars WHERE ${STREAM}`,
        [venue, symbol, interval],
      );
      const row = r.rows[0];
      return row.f === null ? null : { firstMs: Number(row.f), lastMs: Number(row.l) };
    });
  }

  openTimes(venue: Venue, symbol: SymbolName, interval: Interval, fromMs: number, toMs: number) {
    return this.run(async () => {
      const r = await this.pool.query(
        `SELECT open_time AS t FROM bars WHERE ${STREAM} AND open_time >= $4 AND open_time < $5 ORDER BY open_time`,
        [venue, symbol, interval, fromMs, toMs],
      );
      return r.rows.map((row) => Number(row.t));
    });
  }

  deleteFrom(interval: Interval, fromMs: number): Promise<number> {
    return this.run(async () => {
      const r = await this.pool.query("DELETE FROM bars WHERE interval = $1 AND open_time >= $2", [
        interval,
        fromMs,
      ]);
      return r.count;
    });
  }

  /** Waits for statements in flight (up to 30 s) and closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  /** COPY into the session's staging table, one upsert into bars (in the caller's transaction). */
  private async writeBatch(tx: PgConn, bars: readonly ClosedBar[]): Promise<void> {
    if (bars.length > 0) {
      await tx.query(PG_CREATE_STAGE);
      await tx.copyIn(STAGE, BAR_COLUMNS, copyText(lastPerKey(bars)));
      await tx.query(PG_UPSERT_STAGED);
    }
    await this.opts.beforeCommit?.();
  }

  private bars(sql: string, params: (string | number)[]): Promise<ClosedBar[]> {
    return this.run(async () => (await this.pool.query(sql, params)).rows.map(rowToBar));
  }

  /** Runs a statement unless closed; a broken row rule becomes one RangeError line (not worth retrying). */
  private async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("store: closed");
    try {
      return await job();
    } catch (err) {
      const pg = pgErrorOf(err);
      if (pg?.code !== "23514") throw err; // check_violation
      const rule = ruleOfConstraint(pg.constraint) ?? pg.constraint;
      throw new RangeError(
        `store: a bar breaks the rule "${rule}", nothing of the write was stored (${
          pg.detail ?? "no detail"
        })`,
      );
    }
  }
}

function batchProblem(bars: readonly ClosedBar[]): RangeError | null {
  for (const [i, b] of bars.entries()) {
    const problem = storeProblem(b);
    if (problem !== null) return new RangeError(`store: bars[${i}]: ${problem}`);
  }
  return null;
}

function positionProblem(at: StreamPosition): RangeError | null {
  if (typeof at.consumer !== "string" || at.consumer.length === 0 || at.consumer.length > 200) {
    return new RangeError(`store: consumer must be a name of 1 to 200 characters, got "${at.consumer}"`);
  }
  if (!Number.isSafeInteger(at.seq) || at.seq < 0) {
    return new RangeError(`store: stream sequence must be a whole number >= 0, got ${at.seq}`);
  }
  return null;
}

/** A limit that is not a count, as a rejected promise; null when it is fine. */
function badLimit(limit: number): Promise<never> | null {
  if (Number.isSafeInteger(limit) && limit >= 0) return null;
  return Promise.reject(new RangeError(`limit must be >= 0`));
}
