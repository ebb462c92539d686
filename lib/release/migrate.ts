// `./tp migrate`: the versions of the data against this release (--status), the pending forward steps
// applied now rather than at the services' start (--up), and a release's documented down-migrations
// (--down-to N) run before switching the checkout back to release N. Changes are made only while the
// feed and the live loop are stopped: one writer per store, and never under a running service.
import type { DuckDBConnection } from "@duckdb/node-api";
import { ServicesRunningError } from "../backup/restore.ts";
import { runningServices, type ServiceProbe } from "../backup/services.ts";
import { migrateStateDown, prepareStateDir } from "../oms/state_version.ts";
import { openDuckDb } from "../store/duckdb_open.ts";
import { migrateStoreDown, prepareStore, type StoreVersion } from "../store/store_schema.ts";
import { latest, planDown, planUp, type Registry } from "../util/schema_plan.ts";
import { type DataVersion, stateDataVersion, storeDataVersion } from "./data_versions.ts";
import type { Registries } from "./registries.ts";

export type StoreKey = "store" | "state";
export const STORE_KEYS: readonly StoreKey[] = ["store", "state"];
const NAME: Record<StoreKey, string> = { store: "store", state: "state dir" };

export interface MigrateTargets {
  /** The feed's STORE_PATH. */
  readonly storePath: string;
  /** The loop's LIVE_STATE_DIR. */
  readonly stateDir: string;
}

export interface MigrateOptions extends MigrateTargets {
  readonly registries: Registries;
  readonly probe: Omit<ServiceProbe, "storePath">;
  /** Only these (default both). */
  readonly only?: readonly StoreKey[];
  readonly now?: () => number;
}

export async function dataVersions(
  t: MigrateTargets,
  reg: Registries,
): Promise<Record<StoreKey, DataVersion>> {
  return {
    store: await storeDataVersion(t.storePath, latest(reg.store)),
    state: await stateDataVersion(t.stateDir, latest(reg.state)),
  };
}

/** One line per store: its version against this release's, and what --up or --down-to would do. */
export function statusLine(key: StoreKey, d: DataVersion, reg: Registry<never>): string {
  const code = latest(reg);
  const head = `${NAME[key]} ${d.path}: `;
  if (d.version === null) return `${head}no version (${d.status})${d.detail ? `: ${d.detail}` : ""}`;
  if (d.version > code) {
    return `${head}version ${d.version}, NEWER than this release (${code}): it refuses to start on it`;
  }
  const up = planUp(reg, d.version).map((m) => `${m.to} (${m.reason})`);
  const downTo = [];
  for (let v = d.version - 1; v >= 1 && !("missing" in planDown(reg, d.version, v)); v--) downTo.push(v);
  return `${head}version ${d.version}, this release writes ${code}; ` +
    (up.length ? `pending: ${up.join(", ")}` : "current") +
    (downTo.length ? `; --down-to ${downTo.join(" or ")} possible` : "");
}

async function refuseIfRunning(o: MigrateOptions): Promise<void> {
  const running = await runningServices({ ...o.probe, storePath: o.storePath });
  if (running.length > 0) {
    throw new ServicesRunningError(
      `refusing to migrate while services run: ${running.join("; ")}; stop the feed and the live loop first`,
    );
  }
}

/** Opens the store for writing (callers check it exists: DuckDB would make one), runs `job`, checkpoints. */
async function withStore(
  path: string,
  job: (con: DuckDBConnection) => Promise<StoreVersion>,
) {
  const instance = await openDuckDb(path, { threads: 1 });
  try {
    const con = await instance.connect();
    try {
      const v = await job(con);
      await con.run("CHECKPOINT");
      return v;
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

const moved = (key: StoreKey, path: string, from: number | null, to: number | null) =>
  from === to
    ? `${NAME[key]} ${path}: version ${to}, unchanged`
    : `${NAME[key]} ${path}: version ${from} -> ${to}`;

/** Applies every pending step (a store that does not exist yet is left for its service to make). */
export async function migrateUp(o: MigrateOptions): Promise<string[]> {
  await refuseIfRunning(o);
  const before = await dataVersions(o, o.registries), lines: string[] = [];
  for (const key of o.only ?? STORE_KEYS) {
    const d = before[key];
    if (d.version === null) {
      lines.push(
        `${NAME[key]} ${d.path}: nothing to migrate (${d.status})${d.detail ? `: ${d.detail}` : ""}`,
      );
      continue;
    }
    const after = key === "store"
      ? await withStore(
        o.storePath,
        (con) =>
          prepareStore(con, { registry: o.registries.store, migrate: true, now: o.now, where: o.storePath }),
      )
      : await prepareStateDir(o.stateDir, { registry: o.registries.state, migrate: true, now: o.now });
    lines.push(moved(key, d.path, d.version, after.version));
  }
  return lines;
}

/** Takes each store above version `to` down to it with this release's down-migrations. */
export async function migrateDown(o: MigrateOptions, to: number): Promise<string[]> {
  await refuseIfRunning(o);
  const before = await dataVersions(o, o.registries), lines: string[] = [];
  for (const key of o.only ?? STORE_KEYS) {
    const d = before[key];
    if (d.version === null || d.version <= to) {
      lines.push(
        `${NAME[key]} ${d.path}: ${d.version === null ? d.status : `version ${d.version}`}; nothing to undo`,
      );
      continue;
    }
    const after = key === "store"
      ? await withStore(
        o.storePath,
        (con) => migrateStoreDown(con, to, { registry: o.registries.store, now: o.now, where: o.storePath }),
      )
      : await migrateStateDown(o.stateDir, to, { registry: o.registries.state, now: o.now });
    lines.push(moved(key, d.path, d.version, after.version));
  }
  return lines;
}
