// An in-memory append file whose fdatasync waits for the test to release it: tests of group commit
// count writes and syncs and see exactly which appends one sync covered, with no timing involved.
import type { AppendFile } from "../lib/fs/jsonl_append.ts";

export class GatedFile implements AppendFile {
  /** Each write's bytes, in order. */
  readonly writes: Uint8Array[] = [];
  /** How many syncs were asked for, and how many completed. */
  syncs = 0;
  synced = 0;
  closed = false;
  /** When set, the next sync throws it (a failed fsync). */
  failNext: Error | null = null;
  #gates: (() => void)[] = [];
  #hold: boolean;

  /** hold: syncs wait for release(); otherwise they complete at once (still asynchronously). */
  constructor(opts: { hold?: boolean } = {}) {
    this.#hold = opts.hold ?? false;
  }

  writeSync(p: Uint8Array): number {
    this.writes.push(p.slice());
    return p.length;
  }

  async syncData(): Promise<void> {
    this.syncs++;
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    if (this.#hold) await new Promise<void>((r) => this.#gates.push(r));
    this.synced++;
  }

  /** Syncs waiting for release. */
  get waiting(): number {
    return this.#gates.length;
  }

  /** Lets the oldest waiting sync complete. */
  release(): void {
    const g = this.#gates.shift();
    if (!g) throw new Error("no sync is waiting");
    g();
  }

  close(): void {
    this.closed = true;
  }

  /** Everything written, as one byte array (what the file holds). */
  bytes(): Uint8Array {
    const n = this.writes.reduce((a, w) => a + w.length, 0);
    const out = new Uint8Array(n);
    let off = 0;
    for (const w of this.writes) {
      out.set(w, off);
      off += w.length;
    }
    return out;
  }
}
