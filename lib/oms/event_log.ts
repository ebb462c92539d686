// The append-only event log of one run, durable before anything acts on a record: append() resolves
// only after an fdatasync that covers the record's line (an append marked `durable: false`, records.ts
// says which, resolves once written and rides on the next sync). Group commit: records appended while a sync
// runs (or in the same tick) are written together in ONE write and made durable by ONE sync. A failed
// write or sync fails the log for good (a retried fsync can report success for lost data): every
// waiting and later append rejects, and the loop halts rather than act on records that may be lost.
import { syncDir } from "../fs/atomic.ts";
import { type AppendFile, JsonlAppender } from "../fs/jsonl_append.ts";
import { dirname } from "node:path";
import { GENESIS, type LogRecord, RUN_END, sealRecord } from "./log_record.ts";

export interface EventLogOptions {
  /** Wall clock for each record's atMs. */
  readonly now: () => number;
  /** Called after each sync with its duration and how many records it made durable (the histogram). */
  readonly onSync?: (ms: number, records: number) => void;
  /** Monotonic clock for the sync durations; default performance.now. */
  readonly monoMs?: () => number;
}

interface Waiting {
  readonly rec: LogRecord;
  /** Resolves once written, before the sync, when every record before it has resolved. */
  readonly early: boolean;
  readonly resolve: (r: LogRecord) => void;
  readonly reject: (e: unknown) => void;
}

export class EventLog {
  #out: JsonlAppender;
  #seq: number;
  #hash: string;
  #queue: Waiting[] = [];
  #flushing: Promise<void> | null = null;
  #failed: Error | null = null;
  #closed = false;
  #durableSeq: number;
  /** The last seq written to the file (durable or not). */
  #written: number;
  /** settled() asks for a sync even with nothing new to write. */
  #syncWanted = false;
  #lastSyncAtMs: number | null = null;

  readonly path: string;
  readonly #opts: EventLogOptions;

  /** Wraps an open file continuing after (seq, hash): a new run starts at (0, GENESIS). */
  constructor(
    path: string,
    file: AppendFile,
    opts: EventLogOptions,
    from: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS },
  ) {
    this.path = path;
    this.#opts = opts;
    this.#out = new JsonlAppender(path, file);
    this.#seq = this.#durableSeq = this.#written = from.seq;
    this.#hash = from.hash;
  }

  /** Creates a run's log file (refusing one that exists) and makes its entry in the folder durable. */
  static async create(path: string, opts: EventLogOptions): Promise<EventLog> {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { write: true, append: true, createNew: true });
    await syncDir(dirname(path));
    return new EventLog(path, file, opts);
  }

  get lastSeq(): number {
    return this.#seq;
  }
  get lastHash(): string {
    return this.#hash;
  }
  /** The highest seq known durable; below lastSeq while a group waits for its sync. */
  get durableSeq(): number {
    return this.#durableSeq;
  }
  /** Wall time (the `now` clock) of the last completed sync, for "last durable write age". */
  get lastSyncAtMs(): number | null {
    return this.#lastSyncAtMs;
  }
  get failed(): Error | null {
    return this.#failed;
  }

  /**
   * Appends one record; resolves with it once durable, rejects if the log failed or is closed. With
   * `{ durable: false }` it resolves once written, yet never before a record appended earlier (records
   * resolve in seq order); it becomes durable with the next sync. For records nothing acts on before a
   * crash loses them (records.ts says which).
   */
  append(
    type: string,
    data: unknown,
    corr: string | null = null,
    opts: { readonly durable?: boolean } = {},
  ): Promise<LogRecord> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#closed) return Promise.reject(new Error(`${this.path}: event log is closed`));
    const rec = sealRecord(this.#hash, { seq: this.#seq + 1, type, atMs: this.#opts.now(), corr, data });
    this.#seq = rec.seq;
    this.#hash = rec.hash;
    const p = new Promise<LogRecord>((resolve, reject) =>
      this.#queue.push({ rec, early: opts.durable === false, resolve, reject })
    );
    this.#flushing ??= this.#flush();
    return p;
  }

  /** Appends the clean-end marker (data: e.g. what was left open), waits for it, and closes the file. */
  async close(data: unknown = {}): Promise<LogRecord> {
    const marker = this.append(RUN_END, data);
    this.#closed = true; // at once: nothing may follow the marker
    const end = await marker;
    await this.#flushing;
    this.#out.close();
    return end;
  }

  /** Closes without the end marker (a crash as the next boot will see it; for a failed log too). */
  abandon(): void {
    this.#closed = true;
    this.#out.close();
  }

  /** Resolves once every record appended so far is durable (a sync runs for early ones), or failed. */
  async settled(): Promise<void> {
    while (!this.#failed && this.#durableSeq < this.#seq) {
      this.#syncWanted = true;
      this.#flushing ??= this.#flush();
      await this.#flushing;
    }
  }

  async #flush(): Promise<void> {
    await Promise.resolve(); // appends of the same tick join the first group
    const mono = this.#opts.monoMs ?? (() => performance.now());
    while (this.#queue.length > 0 || (this.#syncWanted && this.#durableSeq < this.#written)) {
      const group = this.#queue.splice(0);
      let early = 0;
      try {
        if (group.length > 0) this.#out.appendBatch(group.map((w) => w.rec));
        this.#written = group.length > 0 ? group[group.length - 1].rec.seq : this.#written;
        // Every record before this group has resolved: its leading run of early ones may resolve now.
        for (; early < group.length && group[early].early; early++) group[early].resolve(group[early].rec);
        // A group of early ones only is not synced on its own: the next sync (of a record that waits
        // for one, of settled(), of close()) covers it, as it covers every line written before it.
        if (early < group.length || this.#syncWanted) {
          this.#syncWanted = false;
          const upTo = this.#written, t0 = mono();
          await this.#out.syncData();
          this.#opts.onSync?.(mono() - t0, upTo - this.#durableSeq);
          this.#durableSeq = upTo;
          this.#lastSyncAtMs = this.#opts.now();
        }
      } catch (err) {
        this.#failed = err instanceof Error ? err : new Error(String(err));
        for (const w of [...group.slice(early), ...this.#queue.splice(0)]) w.reject(this.#failed);
        break;
      }
      for (const w of group.slice(early)) w.resolve(w.rec);
    }
    this.#flushing = null;
  }
}
