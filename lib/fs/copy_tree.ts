// Copying a folder tree file by file (backups, restores): regular files only, each read whole and
// written to the same relative path, so a file that its writer replaces by an atomic rename is copied as
// the old version or the new one, never half of each. Temp files of atomic writes (`.<name>.tmp`) are
// work in progress and are left out.
import { dirname, join, relative, sep } from "node:path";

export interface CopyOptions {
  /** Leave out a file (its path relative to the tree's root, "/"-separated); temp files always are. */
  readonly skip?: (rel: string) => boolean;
}

export interface CopyResult {
  /** Relative paths copied, "/"-separated, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
}

/** A temp file of an atomic write: `.<anything>.tmp` (lib/fs/atomic.ts, the Parquet day files). */
export const isTempFile = (name: string): boolean => name.startsWith(".") && name.endsWith(".tmp");

/** Every regular file under `root` ("/"-separated, sorted); empty when `root` does not exist. */
export async function treeFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.push(relative(root, p).split(sep).join("/"));
    }
  }
  try {
    await walk(root);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/** Copies the files under `from` into `to` (created; must not hold those files yet). */
export async function copyTree(from: string, to: string, opts: CopyOptions = {}): Promise<CopyResult> {
  const files: string[] = [];
  let bytes = 0;
  await Deno.mkdir(to, { recursive: true });
  for (const rel of await treeFiles(from)) {
    if (isTempFile(rel.split("/").at(-1)!) || opts.skip?.(rel)) continue;
    let data: Uint8Array;
    try {
      data = await Deno.readFile(join(from, rel));
    } catch (err) {
      // Gone since the listing (a temp name renamed, an old day file replaced): nothing to copy.
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    await writeNewFile(join(to, rel), data);
    files.push(rel);
    bytes += data.length;
  }
  return { files, bytes };
}

/** Writes `data` to a new file at `path` (folders made; an existing file is an error). */
export async function writeNewFile(path: string, data: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeFile(path, data, { createNew: true });
}

/**
 * fsyncs every file and folder under `root` (root included), so a copy written without syncs (ours,
 * or DuckDB's EXPORT) survives a power cut once this returns. POSIX: Windows cannot open a folder.
 */
export async function syncTree(root: string): Promise<void> {
  const sync = async (path: string) => {
    const f = await Deno.open(path, { read: true });
    try {
      await f.sync();
    } finally {
      f.close();
    }
  };
  const files = await treeFiles(root);
  for (const rel of files) await sync(join(root, rel));
  if (Deno.build.os === "windows") return;
  const dirs = new Set<string>([root]);
  for (const rel of files) {
    for (let d = dirname(join(root, rel)); d.length > root.length; d = dirname(d)) dirs.add(d);
  }
  for (const d of dirs) await sync(d);
}
