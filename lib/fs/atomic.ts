// Atomic file writes: write a temp file beside the target, then rename over it.
import { dirname, join } from "node:path";

/**
 * `mode` applies from the temp file's creation (e.g. 0o600 for a private key), never loosened later.
 * `durable`: the temp file is fsynced before the rename and the folder after it, so a crash leaves
 * either the old file or the new one, whole (state that must survive a power cut: snapshots, latches).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${crypto.randomUUID()}.tmp`);
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const f = await Deno.open(tmp, { write: true, createNew: true, mode: opts.mode });
    try {
      let off = 0;
      while (off < bytes.length) off += await f.write(bytes.subarray(off));
      if (opts.durable) await f.sync();
    } finally {
      f.close();
    }
    await Deno.rename(tmp, path);
    if (opts.durable) await syncDir(dir);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** fsync of a folder, so a rename in it survives a crash (POSIX; Windows cannot open a folder). */
export async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const d = await Deno.open(dir, { read: true });
  try {
    await d.sync();
  } finally {
    d.close();
  }
}
