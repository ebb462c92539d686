// Folders that appear whole or not at all (backups, evidence folders): built in a staging folder under
// `<root>/.staging/`, then renamed into `<root>/<name>` in one step once complete; a build that fails
// drops its staging folder, so nothing half made ever stands under the root. Deleting runs the same way
// backwards: the folder is renamed into the staging area first, so a half-deleted one never looks whole.
import { join } from "node:path";
import { syncDir } from "./atomic.ts";
import { exists } from "./exists.ts";

export const STAGING = ".staging";

/** Names are tried with seq 1 .. MAX_SEQ - 1 (`name(seq)`: the caller's `<base>` or `<base>_<seq>`). */
const MAX_SEQ = 1000;

/** A new, empty staging folder `<root>/.staging/<label>_<8 hex>`; returns its path. */
export async function createStaging(root: string, label: string): Promise<string> {
  const staging = join(root, STAGING, `${label}_${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(staging, { recursive: true });
  return staging;
}

/** The first seq from `from` whose `<root>/<name(seq)>` does not exist (MAX_SEQ when none is free). */
export async function firstFreeSeq(root: string, name: (seq: number) => string, from = 1): Promise<number> {
  let seq = from;
  while (seq < MAX_SEQ && await exists(join(root, name(seq)))) seq++;
  return seq;
}

export interface PublishOptions {
  /** The first seq tried (default 1). */
  readonly from?: number;
  /** fsync `root` after the rename, so the folder is still there after a power cut. */
  readonly durable?: boolean;
}

/**
 * Renames `staging` to `<root>/<name(seq)>` for the first seq from `from` that is free, also when another
 * process takes that name between the look and the rename (a rename onto a folder that is not empty
 * fails: the next seq is tried). Returns the final path; RangeError when every name is taken.
 */
export async function publishStaging(
  staging: string,
  root: string,
  name: (seq: number) => string,
  o: PublishOptions = {},
): Promise<string> {
  for (let seq = o.from ?? 1; seq < MAX_SEQ; seq++) {
    const final = join(root, name(seq));
    if (await exists(final)) continue;
    try {
      await Deno.rename(staging, final);
    } catch (err) {
      if (await exists(final)) continue; // lost the race for this name
      throw err;
    }
    if (o.durable) await syncDir(root);
    return final;
  }
  throw new RangeError(`Cannot find a free folder name for ${name(1)} under ${root}`);
}

/** Removes a staging folder that will not be published; never throws (nothing appears either way). */
export async function dropStaging(staging: string): Promise<void> {
  await Deno.remove(staging, { recursive: true }).catch(() => {});
}

/** Deletes `<root>/<name>` whole: renamed into the staging area first, then removed there. */
export async function removeWhole(root: string, name: string): Promise<void> {
  await Deno.mkdir(join(root, STAGING), { recursive: true });
  const doomed = join(root, STAGING, `deleting_${name}_${crypto.randomUUID().slice(0, 8)}`);
  await Deno.rename(join(root, name), doomed);
  await Deno.remove(doomed, { recursive: true });
}
