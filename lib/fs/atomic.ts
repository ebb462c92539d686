// Atomic file writes: write a temp file beside the target, then rename over it.
import { dirname, join } from "node:path";

/** `mode` applies from the temp file's creation (e.g. 0o600 for a private key), never loosened later. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number } = {},
): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${crypto.randomUUID()}.tmp`);
  try {
    const o = { mode: opts.mode };
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, o);
    else await Deno.writeFile(tmp, data, o);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
