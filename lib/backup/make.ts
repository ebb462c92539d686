// `./tp backup`: one consistent copy, while the services run, of what matters: the feed's DuckDB store
// (exported by whoever may read it, store_copy.ts), its Parquet partitions (copied in the same
// moment), the live loop's state dir (state_copy.ts) and the configs. Built in `<target>/.staging/`,
// synced, hashed into BACKUP_MANIFEST.json (written last), then renamed into `<target>/backup_<stamp>/`
// in one step; only then does rotation delete the oldest complete backups beyond `keep` (never this one
// nor the newest verified one, rotate.ts; the drill passes no keep and rotates once it verified). Any
// failure removes the staging folder: no half backup ever appears under the target.
import { basename, join, resolve } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { copyTree, syncTree } from "../fs/copy_tree.ts";
import { createStaging, dropStaging, publishStaging, STAGING } from "../fs/staged_dir.ts";
import { projectCommit } from "../evidence/run_info.ts";
import { utcStamp } from "../evidence/stamp.ts";
import { processAlive } from "../proc/alive.ts";
import { prepareStateDir } from "../oms/state_version.ts";
import { refuseNewer } from "../store/store_schema.ts";
import { exportedStoreVersion, parquetRows } from "../store/store_export.ts";
import { type BackupManifest, FORMAT, hashFiles, MANIFEST_FILE, PARTS } from "./manifest.ts";
import { backupName, rotate } from "./rotate.ts";
import { type BackupRegistries, stateRegistry, storeRegistry } from "./schema_guard.ts";
import { copyStateDir, replayState } from "./state_copy.ts";
import { copyStore } from "./store_copy.ts";
import { isDir } from "../fs/exists.ts";

/** Where the things a backup copies live (the feed's STORE_PATH and PARQUET_DIR, LIVE_STATE_DIR, config/). */
export interface BackupSources {
  readonly storePath: string;
  readonly parquetDir: string;
  readonly stateDir: string;
  readonly configDir: string;
}

export interface BackupOptions extends BackupSources {
  readonly target: string;
  /** Keep the newest N complete backups (this one included); undefined keeps all. */
  readonly keep?: number;
  /** How long a running feed may take to export (ms). */
  readonly timeoutMs: number;
  readonly say: (line: string) => void;
  readonly now?: () => number;
  /** The schema versions it may copy (default this release's): newer data is refused. */
  readonly registries?: BackupRegistries;
}

export interface BackupResult {
  /** The complete backup folder. */
  readonly dir: string;
  readonly manifest: BackupManifest;
  /** Older backups rotation deleted (folder names). */
  readonly deleted: readonly string[];
}

/** Staging folders of backups whose process is gone (killed mid-backup): removed, they are no backup. */
async function dropStaleStaging(staging: string): Promise<void> {
  try {
    for await (const e of Deno.readDir(staging)) {
      const pid = /^backup_\d{8}T\d{6}Z_(\d+)_/.exec(e.name)?.[1];
      if (pid && await processAlive(Number(pid)) === false) {
        await Deno.remove(join(staging, e.name), { recursive: true });
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

export async function makeBackup(o: BackupOptions): Promise<BackupResult> {
  const now = o.now ?? Date.now;
  // A state dir newer than this release is refused before anything is made (a reader's check only).
  const state = await prepareStateDir(o.stateDir, { registry: stateRegistry(o.registries), migrate: false });
  const target = resolve(o.target);
  const stamp = utcStamp(now());
  await dropStaleStaging(join(target, STAGING));
  const staging = await createStaging(target, `backup_${stamp}_${Deno.pid}`);
  let dir: string;
  let manifest: BackupManifest;
  try {
    const part = (p: string) => join(staging, p);
    const store = await copyStore({
      storePath: o.storePath,
      parquetDir: o.parquetDir,
      storeOut: part(PARTS.store),
      parquetOut: part(PARTS.parquet),
      timeoutMs: o.timeoutMs,
      say: o.say,
      now,
    });
    const storeVersion = await exportedStoreVersion(part(PARTS.store));
    refuseNewer(storeVersion, storeRegistry(o.registries), o.storePath);
    const parquet = store.parquet &&
      { files: store.parquet.files, rows: await parquetRows(part(PARTS.parquet)) };
    let live: BackupManifest["live_state"] = null;
    if (await isDir(o.stateDir)) {
      const copied = await copyStateDir(o.stateDir, part(PARTS.liveState));
      live = {
        files: copied.files,
        event_log: copied.eventLog,
        oms: await replayState(part(PARTS.liveState)),
      };
    } else {
      o.say(`no live loop state dir at ${o.stateDir}: the backup holds none`);
    }
    const config = await isDir(o.configDir)
      ? { files: (await copyTree(o.configDir, part(PARTS.config))).files.length }
      : null;
    await syncTree(staging);
    manifest = {
      format: FORMAT,
      created_at: new Date(now()).toISOString(),
      tickproof_commit: await projectCommit(),
      schema: { store: storeVersion.version, state: state.version },
      sources: {
        store: o.storePath,
        store_copied_by: store.by,
        parquet_dir: o.parquetDir,
        state_dir: o.stateDir,
        config_dir: o.configDir,
      },
      duckdb: { tables: store.tables, queries: [...store.queries] },
      parquet,
      live_state: live,
      config,
      files: await hashFiles(staging),
    };
    await writeFileAtomic(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", {
      durable: true,
    });
    dir = await publishStaging(staging, target, (seq) => backupName(stamp, seq), { durable: true });
  } catch (err) {
    await dropStaging(staging);
    throw err;
  }
  const deleted = o.keep === undefined ? [] : await rotate(target, o.keep, basename(dir));
  return { dir, manifest, deleted };
}
