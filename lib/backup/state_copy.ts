// The live loop's state dir, copied consistently while the loop may be writing it. Everything but the
// event log is replaced whole by atomic renames (snapshots, kill_switch.json, trade_cursor.json...), so
// a whole-file read gets one version. The log is append-only: each run's file is copied up to its last
// whole line (a record boundary; a line being written is left out) and the copy's hash chain is
// verified. Then the copy is booted with the loop's own boot code (lib/oms/boot.ts), never the live dir
// (boot cuts torn tails), and the OMS state it replays to is what a restore must get again.
import { sha256Hex } from "../evidence/sha256.ts";
import { join } from "node:path";
import { isTempFile, treeFiles, writeNewFile } from "../fs/copy_tree.ts";
import { bootOms, LOG_DIR } from "../oms/boot.ts";
import { readLog } from "../oms/log_record.ts";
import type { EventLogSummary, OmsState } from "./manifest.ts";

const RUN_FILE = new RegExp(`^${LOG_DIR}/run-(\\d{6,})\\.jsonl$`);

/** The event log's runs of a state dir (copied or restored), each read and its chain verified. */
export async function summarizeLog(dir: string): Promise<EventLogSummary> {
  const runs: EventLogSummary["runs"] = [];
  for (const rel of await treeFiles(dir)) {
    const m = RUN_FILE.exec(rel);
    if (!m) continue;
    const r = readLog(await Deno.readFile(join(dir, rel)));
    runs.push({
      run: Number(m[1]),
      file: rel,
      records: r.records.length,
      last_seq: r.lastSeq,
      last_hash: r.lastHash,
      status: r.status,
      cut_bytes: r.tornBytes,
    });
  }
  runs.sort((a, b) => a.run - b.run);
  const lastRun = runs.filter((r) => r.records > 0).at(-1);
  return {
    runs,
    records: runs.reduce((n, r) => n + r.records, 0),
    last: lastRun ? { run: lastRun.run, seq: lastRun.last_seq, hash: lastRun.last_hash } : null,
  };
}

export interface StateCopy {
  readonly files: number;
  readonly eventLog: EventLogSummary;
}

/** Every file but the logs and temp files, read whole (each is replaced by an atomic rename). */
async function readAtomicFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const rel of await treeFiles(dir)) {
    if (RUN_FILE.test(rel) || isTempFile(rel.split("/").at(-1)!)) continue;
    const data = await Deno.readFile(join(dir, rel)).catch((err) => {
      if (err instanceof Deno.errors.NotFound) return null; // renamed away since the listing
      throw err;
    });
    if (data) out.set(rel, data);
  }
  return out;
}

const same = (a: Map<string, Uint8Array>, b: Map<string, Uint8Array>) =>
  a.size === b.size && [...a].every(([k, v]) => {
    const w = b.get(k);
    return w !== undefined && w.length === v.length && v.every((x, i) => x === w[i]);
  });

/** Attempts at a copy during which no atomic file changed, before giving up. */
const ATTEMPTS = 5;

/**
 * Copies the state dir `from` into `to` (new). The atomic files are read before and after the logs, and
 * the copy taken only when they did not change meanwhile: then the snapshot points at records the log
 * copy holds, and the kill switch file is at least as new as any kill switch record copied (the loop
 * writes the file first). Each run's log is cut at its last whole line and must verify; a broken one is
 * refused, naming its file: such a log is not a state anyone can restore to.
 */
export async function copyStateDir(from: string, to: string): Promise<StateCopy> {
  for (let attempt = 1;; attempt++) {
    const before = await readAtomicFiles(from);
    const logs = new Map<string, { bytes: Uint8Array; cut: number }>();
    for (const rel of (await treeFiles(from)).filter((r) => RUN_FILE.test(r))) {
      const bytes = await Deno.readFile(join(from, rel));
      const r = readLog(bytes);
      if (r.status === "quarantined") {
        throw new Error(
          `${join(from, rel)}: the event log does not verify (${r.problem}); not backing it up`,
        );
      }
      logs.set(rel, { bytes: bytes.subarray(0, r.validBytes), cut: r.tornBytes });
    }
    if (!same(before, await readAtomicFiles(from))) {
      if (attempt === ATTEMPTS) throw new Error(`${from}: its files kept changing during ${ATTEMPTS} copies`);
      continue;
    }
    await Deno.mkdir(to, { recursive: true });
    for (const [rel, data] of before) await writeNewFile(join(to, rel), data);
    for (const [rel, l] of logs) await writeNewFile(join(to, rel), l.bytes);
    const summary = await summarizeLog(to);
    for (const run of summary.runs) {
      if (run.status === "quarantined" || run.cut_bytes !== 0) {
        throw new Error(`${join(to, run.file)}: the copy does not verify (${run.status}); not backing it up`);
      }
    }
    // What was left out of each file (a line still being written when read): recorded, not lost data.
    const runs = summary.runs.map((r) => ({ ...r, cut_bytes: logs.get(r.file)?.cut ?? 0 }));
    return { files: before.size + logs.size, eventLog: { ...summary, runs } };
  }
}

/** Boots the OMS from a COPIED state dir (boot cuts torn tails: never call it on the live one). */
export async function replayState(copy: string): Promise<OmsState> {
  const b = await bootOms(copy);
  const book = b.book.toJSON();
  return {
    classification: b.classification,
    last: b.last,
    book_sha256: sha256Hex(JSON.stringify(book)),
    orders: book.orders.length,
    refused: b.refused.length,
    snapshot: { source: b.snapshot.source, run: b.snapshot.run, seq: b.snapshot.seq },
  };
}
