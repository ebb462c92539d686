// Append-only JSON-lines file for the simulator's ground truth and chaos log, through the one JSONL
// appender (lib/fs): each call writes its records as whole lines in one write, so a reader tailing the
// file (or a crash) never sees half a record from us. Synchronous on purpose: lines are small and the
// order across files must match the order of events.
import { JsonlAppender } from "../fs/jsonl_append.ts";

export class JsonlWriter {
  readonly path: string;
  #out: JsonlAppender | null;
  #lines = 0;

  private constructor(out: JsonlAppender) {
    this.path = out.path;
    this.#out = out;
  }

  /** Opens (creating or appending to) `path`; throws a clear Error when it cannot. */
  static open(path: string): JsonlWriter {
    try {
      return new JsonlWriter(JsonlAppender.openSync(path));
    } catch (err) {
      throw new Error(`Cannot open ${path} for appending: ${err instanceof Error ? err.message : err}`);
    }
  }

  get lines(): number {
    return this.#lines;
  }

  /** Writes records as lines (ShortWriteError if the write came up short); a no-op once closed. */
  write(records: readonly unknown[]): void {
    if (!this.#out || records.length === 0) return;
    this.#out.appendBatch(records);
    this.#lines += records.length;
  }

  /** fsyncs and closes. */
  close(): void {
    this.#out?.close("all");
    this.#out = null;
  }
}
