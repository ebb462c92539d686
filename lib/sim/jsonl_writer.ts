// Append-only JSON-lines file: each call writes whole lines in one go, so a reader tailing the file
// (or a crash) never sees half a record from us. Synchronous on purpose: lines are small and the
// order across files must match the order of events.

export class JsonlWriter {
  readonly path: string;
  #file: Deno.FsFile | null;
  #lines = 0;
  readonly #enc = new TextEncoder();

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Opens (creating or appending to) `path`; throws a clear Error when it cannot. */
  static open(path: string): JsonlWriter {
    try {
      return new JsonlWriter(path, Deno.openSync(path, { create: true, append: true }));
    } catch (err) {
      throw new Error(`Cannot open ${path} for appending: ${err instanceof Error ? err.message : err}`);
    }
  }

  get lines(): number {
    return this.#lines;
  }

  /** Writes records as lines; a no-op once closed. */
  write(records: readonly unknown[]): void {
    if (!this.#file || records.length === 0) return;
    let text = "";
    for (const r of records) text += JSON.stringify(r) + "\n";
    const bytes = this.#enc.encode(text);
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    this.#lines += records.length;
  }

  close(): void {
    if (!this.#file) return;
    this.#file.syncSync();
    this.#file.close();
    this.#file = null;
  }
}
