// `./tp restore BACKUP --into-place`: puts a verified backup back where the feed and the loop read
// it, only while neither runs (services.ts). Everything is prepared first beside its target (same
// filesystem): the store imported and verified (verify.ts; a backup that verified is marked VERIFIED as
// --verify marks it, so rotation keeps it alike, rotate.ts), the partitions and the state dir copied
// and synced; then each part is swapped in with renames (the old one kept as `<path>.pre_restore_<stamp>_<id>`,
// the store's WAL with it, since an old WAL replayed onto the new file would corrupt it), and a failed
// rename puts back the ones done before it. Configs are versioned with the code and are not
// overwritten: the backup's copy stays in its config/ for a diff.
import { basename, dirname, join, resolve } from "node:path";
import { syncDir } from "../fs/atomic.ts";
import { copyTree, syncTree } from "../fs/copy_tree.ts";
import { utcStamp } from "../evidence/stamp.ts";
import { EnvironmentError } from "../util/errors.ts";
import { allProblems } from "./compare.ts";
import type { BackupSources } from "./make.ts";
import { PARTS } from "./manifest.ts";
import type { BackupRegistries } from "./schema_guard.ts";
import { markVerified } from "./rotate.ts";
import { runningServices, type ServiceProbe } from "./services.ts";
import { RESTORED_STORE, verifyBackup } from "./verify.ts";
import { exists } from "../fs/exists.ts";

export interface RestoreOptions {
  readonly backup: string;
  readonly into: BackupSources;
  readonly probe: Omit<ServiceProbe, "storePath">;
  readonly say: (line: string) => void;
  readonly now?: () => number;
  /** The schema versions this release reads (default its own): a backup of newer data is refused. */
  readonly registries?: BackupRegistries;
}

export interface Swapped {
  readonly part: string;
  readonly path: string;
  /** Where the replaced one went; null when there was none. */
  readonly previous: string | null;
}

/** Services still run: nothing was restored (exit 2, one line). */
export class ServicesRunningError extends EnvironmentError {
  override name = "ServicesRunningError";
}

async function refuseIfRunning(o: RestoreOptions): Promise<void> {
  const running = await runningServices({ ...o.probe, storePath: o.into.storePath });
  if (running.length > 0) {
    throw new ServicesRunningError(
      `refusing to restore into place while services run: ${running.join("; ")}; stop the feed and ` +
        "the live loop first",
    );
  }
}

export async function restoreIntoPlace(o: RestoreOptions): Promise<Swapped[]> {
  await refuseIfRunning(o);
  const now = o.now ?? Date.now;
  const stamp = utcStamp(now());
  const tag = `${stamp}_${crypto.randomUUID().slice(0, 8)}`;
  const store = resolve(o.into.storePath);
  await Deno.mkdir(dirname(store), { recursive: true });
  const scratch = join(dirname(store), `.restore_${tag}`);
  const staged: { part: string; from: string; to: string; with: string[] }[] = [];
  try {
    const v = await verifyBackup(o.backup, scratch, o.registries);
    if (!v.ok) {
      throw new Error(`${o.backup} fails verification (${allProblems(v.problems)[0]}); nothing was restored`);
    }
    o.say(`verified ${o.backup}; preparing the restore beside each target`);
    // A read-only copy (off the host) just stays unmarked: the restore goes on.
    await markVerified(o.backup, now()).catch((err) =>
      o.say(`could not mark ${o.backup} verified: ${err instanceof Error ? err.message : err}`)
    );
    staged.push({ part: "store", from: join(scratch, RESTORED_STORE), to: store, with: [".wal"] });
    for (const [part, dir] of [[PARTS.parquet, o.into.parquetDir], [PARTS.liveState, o.into.stateDir]]) {
      const src = join(o.backup, part), to = resolve(dir);
      if (!await exists(src)) {
        o.say(`the backup holds no ${part}/: ${to} is left as it is`);
        continue;
      }
      const from = join(dirname(to), `.restore_${tag}_${basename(to)}`);
      await copyTree(src, from);
      await syncTree(from);
      staged.push({ part, from, to, with: [] });
    }
    await refuseIfRunning(o); // one may have started while we prepared
    return await swapAll(staged, tag);
  } finally {
    for (const s of staged) await Deno.remove(s.from, { recursive: true }).catch(() => {});
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/** Renames each staged part into place, keeping the old one; undoes every rename when one fails. */
async function swapAll(staged: { part: string; from: string; to: string; with: string[] }[], tag: string) {
  const moves: [string, string][] = [];
  const move = async (from: string, to: string) => {
    await Deno.rename(from, to);
    moves.push([from, to]);
  };
  const swapped: Swapped[] = [];
  try {
    for (const s of staged) {
      let previous: string | null = null;
      for (const suffix of ["", ...s.with]) {
        if (!await exists(s.to + suffix)) continue;
        await move(s.to + suffix, `${s.to}.pre_restore_${tag}${suffix}`);
        if (suffix === "") previous = `${s.to}.pre_restore_${tag}`;
      }
      await move(s.from, s.to);
      await syncDir(dirname(s.to));
      swapped.push({ part: s.part, path: s.to, previous });
    }
  } catch (err) {
    for (const [from, to] of moves.reverse()) await Deno.rename(to, from).catch(() => {});
    throw err;
  }
  return swapped;
}
