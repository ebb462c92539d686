// The one module that imports the PostgreSQL client (npm `postgres`, porsager/postgres): a narrow
// connection type the PostgreSQL bar store and its schema code use, so the client can change here alone.
// BIGINT arrives as bigint (rowToBar takes it), never as the client's default string.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";

export type PgParam = string | number | bigint | boolean | null;

export interface PgResult {
  readonly rows: readonly Record<string, unknown>[];
  /** Rows the statement inserted, updated or deleted (or returned). */
  readonly count: number;
}

/** A connection pool, or one transaction on it. */
export interface PgConn {
  /** One statement with $1..$n parameters (prepared and cached by the client). */
  query(text: string, params?: readonly PgParam[]): Promise<PgResult>;
  /** COPY `table` (columns) FROM STDIN with `text` in COPY's text format; use inside a transaction. */
  copyIn(table: string, columns: readonly string[], text: string): Promise<void>;
}

export interface PgPool extends PgConn {
  /** Runs `job` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(job: (tx: PgConn) => Promise<T>): Promise<T>;
  /** Waits for running statements (at most `timeoutS`, then cuts them off) and closes every connection. */
  close(timeoutS?: number): Promise<void>;
}

export interface PgPoolOptions {
  /** Connections at most (default 4). */
  readonly max?: number;
  /** application_name, as pg_stat_activity shows it (default "tickproof"). */
  readonly applicationName?: string;
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeoutS?: number;
}

type Client = postgres.Sql<{ bigint: bigint }> | postgres.TransactionSql<{ bigint: bigint }>;

function conn(sql: Client): PgConn {
  return {
    async query(text, params = []) {
      const r = await sql.unsafe(text, params as PgParam[] as never[], { prepare: true });
      // A plain array: the client's Result (an Array subclass with extra fields) stays in this module.
      return { rows: Array.from(r as Iterable<Record<string, unknown>>), count: r.count };
    },
    async copyIn(table, columns, text) {
      const sink = await sql.unsafe(`COPY ${table} (${columns.join(", ")}) FROM STDIN`).writable();
      await pipeline(Readable.from([text]), sink);
    },
  };
}

/** A pool on `url` (postgres://user:password@host:port/db). Connects lazily, on the first statement. */
export function openPgPool(url: string, opts: PgPoolOptions = {}): PgPool {
  const sql = postgres(url, {
    max: opts.max ?? 4,
    connect_timeout: opts.connectTimeoutS ?? 10,
    types: { bigint: postgres.BigInt },
    // CREATE ... IF NOT EXISTS and the like say NOTICE: nothing an operator needs on stdout.
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? "tickproof" },
  });
  return {
    ...conn(sql),
    transaction: <T>(job: (tx: PgConn) => Promise<T>) => sql.begin((tx) => job(conn(tx))) as Promise<T>,
    close: (timeoutS = 30) => sql.end({ timeout: timeoutS }),
  };
}

/** What PostgreSQL said about a failed statement (SQLSTATE, constraint, detail), or null for other errors. */
export function pgErrorOf(
  err: unknown,
): { readonly code: string; readonly constraint?: string; readonly detail?: string } | null {
  if (!(err instanceof postgres.PostgresError)) return null;
  return { code: err.code, constraint: err.constraint_name, detail: err.detail };
}
