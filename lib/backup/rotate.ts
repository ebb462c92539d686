// Backup folders under the target: `backup_<YYYYMMDDTHHMMSSZ>[_N]`, complete only with their manifest
// (written last), and the staging area `.staging/` where a backup is built before its rename
// (lib/fs/staged_dir.ts). Rotation keeps the newest N complete backups and deletes older ones, only after
// the new one is in place; an old backup is deleted whole (removeWhole), so a half-deleted one never
// looks complete.
// Rotation never deletes the backup just made (its stamp may sort first when the clock stepped back) nor
// the newest verified one (VERIFIED, written when a restore of it verified): N failing backups in a row
// must not push out the last one known to restore.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { isFile } from "../fs/exists.ts";
import { removeWhole } from "../fs/staged_dir.ts";
import { MANIFEST_FILE, VERIFIED_FILE } from "./manifest.ts";

export const BACKUP_DIR_RE = /^backup_(\d{8}T\d{6}Z)(?:_(\d+))?$/;

interface Named {
  readonly name: string;
  readonly stamp: string;
  readonly seq: number;
}

const parse = (name: string): Named | null => {
  const m = BACKUP_DIR_RE.exec(name);
  return m ? { name, stamp: m[1], seq: m[2] ? Number(m[2]) : 1 } : null;
};

/** Oldest first: by stamp, then the same second's later backup. Pure. */
export function oldestFirst(names: readonly string[]): string[] {
  return names.map(parse).filter((n): n is Named => n !== null)
    .sort((a, b) => a.stamp.localeCompare(b.stamp) || a.seq - b.seq).map((n) => n.name);
}

/** What rotation must never delete. */
export interface Protected {
  /** The backup just made: counted as the newest, whatever its stamp says. */
  readonly justMade?: string;
  /** Backups a restore verified (VERIFIED present): the newest of them is kept. */
  readonly verified?: readonly string[];
}

/** The backups rotation deletes to keep the newest `keep`, never a protected one. Pure. */
export function beyondKeep(names: readonly string[], keep: number, p: Protected = {}): string[] {
  const ordered = oldestFirst(names.filter((n) => n !== p.justMade));
  if (p.justMade !== undefined && names.includes(p.justMade)) ordered.push(p.justMade);
  const verified = new Set(p.verified ?? []);
  const newestVerified = ordered.findLast((n) => verified.has(n));
  return ordered.slice(0, Math.max(0, ordered.length - keep)).filter((n) => n !== newestVerified);
}

/** Complete backups (manifest present) under `target`, oldest first; none when it does not exist. */
export async function listBackups(target: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(target)) {
      if (e.isDirectory && parse(e.name) && await isFile(join(target, e.name, MANIFEST_FILE))) {
        names.push(e.name);
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return oldestFirst(names);
}

/** Marks the backup in `dir` as verified by a restore (atomically; the manifest is left as it is). */
export async function markVerified(dir: string, at: number): Promise<void> {
  await writeFileAtomic(join(dir, VERIFIED_FILE), `verified_at=${new Date(at).toISOString()}\n`, {
    durable: true,
  });
}

/**
 * Deletes the oldest complete backups beyond `keep`, never `justMade` (a folder name under `target`) nor
 * the newest verified backup; returns the names deleted.
 */
export async function rotate(target: string, keep: number, justMade?: string): Promise<string[]> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep must be at least 1, got ${keep}`);
  const names = await listBackups(target);
  const verified: string[] = [];
  for (const n of names) if (await isFile(join(target, n, VERIFIED_FILE))) verified.push(n);
  const gone = beyondKeep(names, keep, { justMade, verified });
  for (const name of gone) await removeWhole(target, name);
  return gone;
}

/** The backup folder name for `stamp`: `backup_<stamp>`, the same second's later ones `_2`, `_3`... */
export const backupName = (stamp: string, seq: number): string =>
  `backup_${stamp}${seq === 1 ? "" : `_${seq}`}`;
