// Evidence folders: `.local_tmp/<name>_<YYYYMMDDTHHMMSSZ>/`, built in a staging folder and renamed
// into place only when complete (manifest included, lib/fs/staged_dir.ts), so a reader never sees a
// half-written proof.
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { buildManifest, MANIFEST_NAME } from "./manifest.ts";
import { utcStamp } from "./stamp.ts";
import { createStaging, dropStaging, firstFreeSeq, publishStaging } from "../fs/staged_dir.ts";

export const DEFAULT_EVIDENCE_ROOT = ".local_tmp";

export interface EvidenceOptions {
  /** Folder under which proofs appear; default `.local_tmp`. */
  root?: string;
  /** Clock for the stamp (ms); default Date.now. */
  now?: () => number;
}

export class EvidenceFolder {
  private constructor(
    readonly root: string,
    readonly name: string,
    readonly stamp: string,
    /** Where files are written until finalize(). */
    readonly staging: string,
    /** First `_N` suffix free when the folder was created (1 = none); finalize() tries it first. */
    private readonly firstSeq: number,
  ) {}

  static async create(name: string, opts: EvidenceOptions = {}): Promise<EvidenceFolder> {
    if (!/^[a-z0-9_]+$/.test(name)) throw new TypeError(`Evidence name "${name}" must be [a-z0-9_]+`);
    const root = opts.root ?? DEFAULT_EVIDENCE_ROOT;
    const stamp = utcStamp((opts.now ?? Date.now)());
    const staging = await createStaging(root, `${name}_${stamp}`);
    const seq = await firstFreeSeq(root, (n) => folderName(name, stamp, n));
    return new EvidenceFolder(root, name, stamp, staging, seq);
  }

  path(rel: string): string {
    return join(this.staging, rel);
  }

  /**
   * `<root>/<name>_<stamp>[_N]`, the first name free at create(): where finalize() puts the folder
   * unless a concurrent run takes it first.
   */
  get intended(): string {
    return join(this.root, folderName(this.name, this.stamp, this.firstSeq));
  }

  /**
   * A path inside the staging folder as it will read once sealed, for messages and notes: the
   * staging folder is gone after the rename, so naming it would send a reader nowhere.
   */
  shown(path: string): string {
    for (const base of [resolve(this.staging), this.staging]) {
      if (path === base || path.startsWith(`${base}/`)) return this.intended + path.slice(base.length);
    }
    return path;
  }

  write(rel: string, data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(this.path(rel), data);
  }

  writeJson(rel: string, value: unknown): Promise<void> {
    return this.write(rel, JSON.stringify(value, null, 2) + "\n");
  }

  /**
   * Writes the manifest and renames the staging folder to `<name>_<stamp>` (`intended`), or
   * `<name>_<stamp>_2`, `_3`... when another run took that second. Returns the final path. `sign`
   * gets the manifest's bytes and may add the signature file beside it.
   */
  async finalize(sign?: (manifest: Uint8Array) => Promise<void>): Promise<string> {
    const manifest = await buildManifest(this.staging);
    await this.write(MANIFEST_NAME, manifest);
    // The signature covers the manifest exactly as written, so it is made before the folder appears.
    if (sign) await sign(new TextEncoder().encode(manifest));
    const name = (seq: number) => folderName(this.name, this.stamp, seq);
    return await publishStaging(this.staging, this.root, name, { from: this.firstSeq });
  }

  /** Drops an unfinished folder (nothing appears under the root). */
  async abandon(): Promise<void> {
    await dropStaging(this.staging);
  }
}

function folderName(name: string, stamp: string, seq: number): string {
  return `${name}_${stamp}${seq === 1 ? "" : `_${seq}`}`;
}
