// The one JSON-lines appender. Guarantee: each record becomes JSON.stringify(record) + "\n" (JSON
// never holds a raw newline, so that is exactly one line) and reaches the file in ONE write call on a
// file opened for append (O_APPEND). The kernel places each such write whole at the end of the file,
// so lines of concurrent appenders (threads, processes, a writer after a rename rotation) never
// interleave and a tailing reader sees whole lines only (a crash mid-write aside).
// A short write (fewer bytes taken than the line) would break that promise: finishing it with a
// second write could put another appender's line inside ours. So it is never retried: it throws
// ShortWriteError, and the caller decides (count it, or fail).

/** What the appender needs of an open file; Deno.FsFile fits, tests inject a stand-in. */
export interface AppendFile {
  writeSync(p: Uint8Array): number;
  close(): void;
  syncSync?(): void;
  syncDataSync?(): void;
  /** fdatasync without blocking the event loop (group commit: appends queue while it runs). */
  syncData?(): Promise<void>;
}

/** A write that took fewer bytes than the line(s): the file may end in a partial line. */
export class ShortWriteError extends Error {
  constructor(readonly path: string, readonly wrote: number, readonly of: number) {
    super(`short write to ${path}: ${wrote} of ${of} bytes`);
    this.name = "ShortWriteError";
  }
}

/** What close() makes durable first: nothing, the data (fdatasync) or data and metadata (fsync). */
export type CloseSync = "none" | "data" | "all";

const enc = new TextEncoder();

function line(record: unknown): string {
  const json = JSON.stringify(record);
  if (json === undefined) throw new TypeError(`not a JSON record: ${String(record)}`);
  return json + "\n";
}

export class JsonlAppender {
  #file: AppendFile | null;

  /** Wraps a file the caller opened with `append: true` (e.g. to inspect or repair it first). */
  constructor(readonly path: string, file: AppendFile) {
    this.#file = file;
  }

  /** Opens (creating) `path` for append; the error is Deno's, naming the failure. */
  static openSync(path: string): JsonlAppender {
    return new JsonlAppender(path, Deno.openSync(path, { create: true, append: true }));
  }

  /** Appends one record as one line in one write; throws ShortWriteError, or when closed. */
  append(record: unknown): void {
    this.#write(line(record));
  }

  /** Appends records as whole lines in ONE write (a batch lands together); no-op for none. */
  appendBatch(records: readonly unknown[]): void {
    if (records.length === 0) return;
    let text = "";
    for (const r of records) text += line(r);
    this.#write(text);
  }

  /**
   * Makes every line written so far durable (fdatasync), keeping the file open: the async form when the
   * file has one, so appends of a group commit can queue while it runs. Throws when closed.
   */
  async syncData(): Promise<void> {
    const f = this.#file;
    if (!f) throw new Error(`${this.path}: appender is closed`);
    if (f.syncData) await f.syncData();
    else f.syncDataSync?.();
  }

  /** Closes once (later calls are no-ops), after making the lines durable as asked. */
  close(sync: CloseSync = "none"): void {
    const f = this.#file;
    if (!f) return;
    this.#file = null;
    try {
      if (sync === "all") f.syncSync?.();
      if (sync === "data") f.syncDataSync?.();
    } finally {
      f.close();
    }
  }

  #write(text: string): void {
    if (!this.#file) throw new Error(`${this.path}: appender is closed`);
    const bytes = enc.encode(text);
    const n = this.#file.writeSync(bytes);
    if (n !== bytes.length) throw new ShortWriteError(this.path, n, bytes.length);
  }
}

/**
 * Opens `path` for append (creating it, not its folder), appends each record as its own line and
 * write, and closes: the next call opens the path again, so after a rename rotation it writes to the
 * new file.
 */
export async function appendJsonl(path: string, records: readonly unknown[]): Promise<void> {
  const a = new JsonlAppender(path, await Deno.open(path, { create: true, append: true }));
  try {
    for (const r of records) a.append(r);
  } finally {
    a.close();
  }
}
