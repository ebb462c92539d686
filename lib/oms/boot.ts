// Booting the OMS from its state dir: the newest valid snapshot, then every run's log after it,
// verified and replayed through the same OmsBook.apply the run used. Each run is classified (clean,
// crashed_recovered with a torn tail cut, quarantined at a broken hash or gap, missing); the boot as a
// whole is fresh (nothing on disk), clean, crashed_recovered or quarantined, so a caller never takes
// an empty or partial book for a sound one in silence.
import { join } from "node:path";
import { OmsBook } from "./book.ts";
import { type LogRecord, readLog, type RunStatus } from "./log_record.ts";
import { loadSnapshot, type Snapshot } from "./snapshot.ts";

export const LOG_DIR = "log";
const RUN_FILE = /^run-(\d{6,})\.jsonl$/;

/** A run's log file: <dir>/log/run-000042.jsonl. */
export const runPath = (dir: string, run: number): string =>
  join(dir, LOG_DIR, `run-${String(run).padStart(6, "0")}.jsonl`);

/** Run numbers with a log file, ascending. */
export async function listRuns(dir: string): Promise<number[]> {
  const runs: number[] = [];
  try {
    for await (const e of Deno.readDir(join(dir, LOG_DIR))) {
      const m = e.isFile ? RUN_FILE.exec(e.name) : null;
      if (m) runs.push(Number(m[1]));
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return runs.sort((a, b) => a - b);
}

export type BootClass = "fresh" | "clean" | "crashed_recovered" | "quarantined";

export interface RunReport {
  readonly run: number;
  readonly status: RunStatus | "missing";
  /** Verified records in the file, and how many of them were applied (those after the snapshot). */
  readonly records: number;
  readonly applied: number;
  /** Bytes of a torn last line, cut from the file. */
  readonly tornBytes: number;
  readonly problem: string | null;
}

export interface BootResult {
  readonly classification: BootClass;
  readonly book: OmsBook;
  readonly snapshot: {
    readonly source: "current" | "previous" | "none";
    readonly run: number;
    readonly seq: number;
  };
  /** Snapshot files that could not be loaded, a snapshot that does not match its log, a run missing. */
  readonly problems: readonly string[];
  readonly runs: readonly RunReport[];
  /** Records the book refused at replay (as the run refused them live). */
  readonly refused: readonly { readonly run: number; readonly seq: number; readonly reason: string }[];
  /** The number the next run's log takes. */
  readonly nextRun: number;
  /** The last record the book includes (null when none): where the next snapshot stands. */
  readonly last: { readonly run: number; readonly seq: number; readonly hash: string } | null;
}

/** Rebuilds the book from `dir`; cuts torn tails (the only change it makes on disk). */
export async function bootOms(dir: string): Promise<BootResult> {
  const loaded = await loadSnapshot(dir);
  const snap: Snapshot | null = loaded.snapshot;
  const problems = [...loaded.problems];
  const runs = await listRuns(dir);
  const book = snap ? OmsBook.fromJSON(snap.book) : new OmsBook();
  const reports: RunReport[] = [];
  const refused: { run: number; seq: number; reason: string }[] = [];
  let quarantined = false;
  let last: BootResult["last"] = snap ? { run: snap.run, seq: snap.seq, hash: snap.hash } : null;
  const first = snap ? snap.run : (runs[0] ?? 1);
  const lastRun = Math.max(snap?.run ?? 0, ...runs);
  if (!snap && runs.length > 0 && runs[0] !== 1) {
    problems.push(`no snapshot, and the log starts at run ${runs[0]}: runs before it are lost`);
    quarantined = true;
  }
  for (let run = first; run <= lastRun; run++) {
    if (!runs.includes(run)) {
      reports.push({
        run,
        status: "missing",
        records: 0,
        applied: 0,
        tornBytes: 0,
        problem: "log file missing",
      });
      quarantined = true;
      continue;
    }
    const path = runPath(dir, run);
    const r = readLog(await Deno.readFile(path));
    let from = 0;
    if (snap && run === snap.run) {
      const at: LogRecord | undefined = r.records[snap.seq - 1];
      if (!at || at.hash !== snap.hash) {
        problems.push(
          `snapshot at run ${run} seq ${snap.seq} does not match the log (${r.records.length} records)`,
        );
        quarantined = true;
      }
      from = snap.seq;
    }
    for (const rec of r.records.slice(from)) {
      const a = book.apply(rec);
      if (!a.ok) refused.push({ run, seq: rec.seq, reason: a.reason });
      last = { run, seq: rec.seq, hash: rec.hash };
    }
    if (r.status !== "quarantined" && r.tornBytes > 0) await Deno.truncate(path, r.validBytes);
    if (r.status === "quarantined") quarantined = true;
    reports.push({
      run,
      status: r.status,
      records: r.records.length,
      applied: Math.max(0, r.records.length - from),
      tornBytes: r.tornBytes,
      problem: r.problem,
    });
  }
  const crashed = reports.some((r) => r.status === "crashed_recovered") || problems.length > 0;
  const fresh = !snap && runs.length === 0 && problems.length === 0;
  const classification: BootClass = quarantined
    ? "quarantined"
    : fresh
    ? "fresh"
    : crashed
    ? "crashed_recovered"
    : "clean";
  return {
    classification,
    book,
    snapshot: { source: loaded.source, run: snap?.run ?? 0, seq: snap?.seq ?? 0 },
    problems,
    runs: reports,
    refused,
    nextRun: lastRun + 1,
    last,
  };
}
