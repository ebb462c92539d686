// The bar store's schema in PostgreSQL: the same bars table, key and row rules as the DuckDB store
// (made from the same CREATE_BARS and BAR_RULES, in PostgreSQL's words), the same schema_meta history
// with the same version numbers, and one table of its own: stream_positions, where a bus consumer
// records the last stream sequence it applied, in the transaction that applied it.
// Unlike DuckDB, PostgreSQL has many writers: the whole preparation runs in one transaction under an
// advisory lock, so two writers opening a new database at once make it once.
import { EnvironmentError, SchemaTooNewError } from "../util/errors.ts";
import {
  checkRegistry,
  downRecorded,
  latest,
  planUp,
  type Registry,
  tooNewLine,
} from "../util/schema_plan.ts";
import type { StepRecord } from "../util/schema_plan.ts";
import { CREATE_BARS } from "./bar_row.ts";
import type { PgConn, PgPool } from "./pg_client.ts";
import { BAR_RULES } from "./store_migrations.ts";
import { CREATE_META, SCHEMA_META, type StoreVersion } from "./store_schema.ts";

/** CREATE_BARS (version 1) for PostgreSQL: DuckDB's DOUBLE is DOUBLE PRECISION there; the rest is shared. */
export const PG_CREATE_BARS = CREATE_BARS.replaceAll(/\bDOUBLE\b/g, "DOUBLE PRECISION");

export const POSITIONS = "stream_positions";
const PG_CREATE_POSITIONS = `CREATE TABLE ${POSITIONS} (
  consumer VARCHAR PRIMARY KEY,
  last_seq BIGINT NOT NULL CHECK (last_seq >= 0),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/** PostgreSQL names each version-2 rule, so a refused row's error can say which rule it broke. */
export function ruleConstraint(i: number): string {
  return `bars_rule_${i + 1}`;
}

/** The rule (BAR_RULES text) behind a constraint name, or null for another constraint. */
export function ruleOfConstraint(name: string | undefined): string | null {
  const i = BAR_RULES.findIndex((_, k) => ruleConstraint(k) === name);
  return i < 0 ? null : BAR_RULES[i];
}

/** The same steps as STORE_MIGRATIONS, in PostgreSQL's words (it adds a CHECK in place; DuckDB rebuilds). */
export const PG_STORE_MIGRATIONS: Registry<PgConn> = checkRegistry({
  name: "store",
  migrations: [
    {
      to: 2,
      reason: "bars: the store refuses impossible bars (prices > 0, low <= high, volume and trades >= 0), " +
        "whoever writes",
      // ADD CONSTRAINT checks the stored rows: one that breaks a rule fails the step, nothing changes.
      up: async (c) => {
        for (const [i, rule] of BAR_RULES.entries()) {
          await c.query(`ALTER TABLE bars ADD CONSTRAINT ${ruleConstraint(i)} CHECK (${rule})`);
        }
      },
      down: async (c) => {
        for (const i of BAR_RULES.keys()) {
          await c.query(`ALTER TABLE bars DROP CONSTRAINT ${ruleConstraint(i)}`);
        }
      },
    },
  ],
});

async function hasTable(c: PgConn, name: string): Promise<boolean> {
  const r = await c.query(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
    [name],
  );
  return Number(r.rows[0].n) > 0;
}

/** The store's version and history; read-only. */
export async function readPgStoreVersion(c: PgConn): Promise<StoreVersion> {
  const bars = await hasTable(c, "bars");
  if (!await hasTable(c, SCHEMA_META)) return { version: bars ? 1 : null, marked: false, history: [] };
  const r = await c.query(
    `SELECT from_version, to_version, at_ms, reason, down_available FROM ${SCHEMA_META} ORDER BY seq`,
  );
  const history: StepRecord[] = r.rows.map((x) => ({
    from: Number(x.from_version),
    to: Number(x.to_version),
    atMs: Number(x.at_ms),
    reason: String(x.reason),
    down: x.down_available === true,
  }));
  return { version: history.at(-1)?.to ?? (bars ? 1 : null), marked: true, history };
}

async function record(c: PgConn, s: StepRecord): Promise<void> {
  await c.query(
    `INSERT INTO ${SCHEMA_META} SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5 FROM ${SCHEMA_META}`,
    [s.from, s.to, s.atMs, s.reason, s.down],
  );
}

/** Any constant: the advisory lock every preparing writer takes (one per database). */
const PREPARE_LOCK = 7_314_002;

export interface PgPrepareOptions {
  readonly registry?: Registry<PgConn>;
  /** Writer: create a new store and apply pending steps. Reader: change nothing. */
  readonly migrate: boolean;
  /** Wall clock for the records (default Date.now). */
  readonly now?: () => number;
  /** The store's URL without its password, for the refusal line. */
  readonly where: string;
}

/** Brings the database to the code's version (writer) or checks it can be read (reader); returns it. */
export function preparePgStore(pool: PgPool, o: PgPrepareOptions): Promise<StoreVersion> {
  const reg = o.registry ?? PG_STORE_MIGRATIONS, now = o.now ?? Date.now;
  return pool.transaction(async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(${PREPARE_LOCK})`);
    const v = await readPgStoreVersion(c);
    if (v.version !== null && v.version > latest(reg)) {
      const down = downRecorded(v.history, v.version, latest(reg));
      throw new SchemaTooNewError(
        tooNewLine({ name: "store", key: "store" }, o.where, v.version, latest(reg), down),
      );
    }
    if (!o.migrate) {
      if (v.version === null || !await hasTable(c, POSITIONS)) {
        throw new EnvironmentError(`store ${o.where} has no bars table (not a tickproof store)`);
      }
      return v;
    }
    if (v.version === null) {
      for (const ddl of [PG_CREATE_BARS, CREATE_META, PG_CREATE_POSITIONS]) await c.query(ddl);
      await record(c, { from: 0, to: 1, atMs: now(), reason: "new store", down: false });
    } else if (!v.marked || !await hasTable(c, POSITIONS)) {
      throw new EnvironmentError(`database ${o.where} holds a bars table that is not a tickproof store's`);
    }
    for (const m of planUp(reg, v.version ?? 1)) {
      try {
        await m.up(c);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`store migration ${m.to - 1} -> ${m.to} failed and was rolled back: ${why}`);
      }
      await record(c, {
        from: m.to - 1,
        to: m.to,
        atMs: now(),
        reason: m.reason,
        down: m.down !== undefined,
      });
    }
    return await readPgStoreVersion(c);
  });
}
