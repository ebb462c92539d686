// The feed's side of `./tp backup` (lib/store/backup_spool.ts): it looks into the spool folder beside
// its store every `everyMs`, and for each request exports the store between two queued writes
// (BarStore.exclusive: EXPORT DATABASE, the store's answers, the Parquet partitions), then answers with
// a done file holding the row counts and answers, or the error. A request past its deadline is
// dropped unanswered (its asker is gone); one whose folder cannot be made is answered with why.
import { dirname } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "../log.ts";
import {
  clearRequest,
  type ExportDone,
  pendingRequests,
  readRequest,
  requestPath,
  writeDone,
} from "../store/backup_spool.ts";
import { type ExportResult, exportStore } from "../store/store_export.ts";
import { exists } from "../fs/exists.ts";

export interface BackupTriggerOptions {
  readonly spool: string;
  /** PARQUET_DIR: its partitions are copied with the export. */
  readonly parquetDir: string;
  /** Runs a job on the store's connection between its queued writes. */
  readonly exclusive: (job: (con: DuckDBConnection) => Promise<ExportResult>) => Promise<ExportResult>;
  readonly log: Logger;
  readonly now?: () => number;
  /** How often the spool is looked at (ms); default 250. */
  readonly everyMs?: number;
}

export class BackupTrigger {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<number> | null = null;

  constructor(private readonly o: BackupTriggerOptions) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.poll().catch((err) => {
        this.o.log("error", "backup spool check failed", { spool: this.o.spool, error: String(err) });
        return 0;
      }).finally(() => this.#running = null);
    }, this.o.everyMs ?? 250);
  }

  /** Stops looking; waits for an export under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Answers every waiting request; returns how many were answered. */
  async poll(): Promise<number> {
    let answered = 0;
    for (const id of await pendingRequests(this.o.spool)) {
      if (await this.#handle(id)) answered++;
    }
    return answered;
  }

  async #handle(id: string): Promise<boolean> {
    const now = this.o.now ?? Date.now;
    const spool = this.o.spool;
    const req = await readRequest(spool, id);
    if (req === null) return false; // taken back by its asker meanwhile
    const base = { version: 1 as const, id, pid: Deno.pid };
    if (typeof req === "string") {
      this.o.log("warn", "backup request refused", { id, problem: req });
      if (/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
        await writeDone(spool, { ...base, ok: false, atMs: now(), error: req });
      }
      await Deno.remove(requestPath(spool, id)).catch(() => {});
      return true;
    }
    if (now() > req.deadlineMs) {
      this.o.log("warn", "backup request past its deadline dropped", { id });
      await clearRequest(spool, id);
      return false;
    }
    let done: ExportDone;
    const t0 = now();
    try {
      if (!await exists(dirname(req.storeDir)) || await exists(req.storeDir)) {
        throw new Error(`${req.storeDir}: its folder must be new and its parent must exist`);
      }
      const r = await this.o.exclusive((con) =>
        exportStore(con, { storeDir: req.storeDir, parquetFrom: this.o.parquetDir, parquetTo: req.parquetTo })
      );
      done = {
        ...base,
        ok: true,
        atMs: now(),
        tables: r.tables,
        queries: [...r.queries],
        parquet: r.parquet,
      };
      this.o.log("info", "backup export done", { id, tables: r.tables, ms: now() - t0, dir: req.storeDir });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      done = { ...base, ok: false, atMs: now(), error };
      this.o.log("error", "backup export failed", { id, error });
    }
    // An asker that gave up has taken its request back: leave no answer behind for nobody.
    if (!await exists(requestPath(spool, id))) return false;
    await writeDone(spool, done);
    await Deno.remove(requestPath(spool, id)).catch(() => {});
    return true;
  }
}
