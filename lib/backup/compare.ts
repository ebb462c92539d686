// A backup's manifest against what a restore of it found: one list of problems per check, each a line
// that names the file, table or query. Pure: `restore --verify`, the drill's gates and `./tp evidence
// check` (from the drill folder's copies of both) all judge with it.
import { z } from "zod";
import {
  type BackupManifest,
  DuckDbSchema,
  EventLogSchema,
  type FileEntry,
  FileEntrySchema,
  OmsStateSchema,
  ParquetSchema,
} from "./manifest.ts";

export const CHECKS = ["files", "tables", "queries", "parquet", "event_log"] as const;
export type CheckName = typeof CHECKS[number];

/** What a restore into scratch found (lib/backup/verify.ts observes it; the drill keeps it as JSON). */
export const ObservedSchema = z.object({
  /** Every file in the backup folder but the manifest. */
  files: z.array(FileEntrySchema),
  /** The imported store's row counts and answers; null when no store was imported. */
  duckdb: DuckDbSchema.nullable(),
  parquet: ParquetSchema.nullable(),
  live_state: z.object({ event_log: EventLogSchema, oms: OmsStateSchema }).nullable(),
  /** Why a part could not be restored at all (import failed, boot threw), by check. */
  errors: z.partialRecord(z.enum(CHECKS), z.string()),
});
export type Observed = z.infer<typeof ObservedSchema>;
export type Problems = Record<CheckName, string[]>;

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

function compareFiles(listed: readonly FileEntry[], found: readonly FileEntry[]): string[] {
  const out: string[] = [];
  const byPath = new Map(found.map((f) => [f.path, f]));
  for (const want of listed) {
    const got = byPath.get(want.path);
    byPath.delete(want.path);
    if (!got) out.push(`${want.path}: listed in the manifest but missing`);
    else if (got.size !== want.size) {
      out.push(`${want.path}: ${got.size} bytes, the manifest says ${want.size} (tampered or damaged)`);
    } else if (got.sha256 !== want.sha256) {
      out.push(`${want.path}: SHA-256 differs from the manifest (tampered or damaged)`);
    }
  }
  for (const path of byPath.keys()) out.push(`${path}: not in the manifest`);
  return out;
}

function compareQueries(want: BackupManifest["duckdb"], got: BackupManifest["duckdb"]): string[] {
  const out: string[] = [];
  const found = new Map(got.queries.map((q) => [q.key, q.answer]));
  for (const q of want.queries) {
    if (!found.has(q.key)) {
      out.push(`query ${q.key}: not answered by the restored store`);
      continue;
    }
    const a = q.answer, b = found.get(q.key);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      const i = a.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(b[k]));
      const at = i < 0 ? a.length : i;
      out.push(`query ${q.key} row ${at + 1}: ${short(a[at])} at backup, ${short(b[at])} restored`);
    } else out.push(`query ${q.key}: ${short(a)} at backup, ${short(b)} restored`);
  }
  return out;
}

function compareLog(m: NonNullable<BackupManifest["live_state"]>, o: NonNullable<Observed["live_state"]>) {
  const out: string[] = [];
  const runs = new Map(o.event_log.runs.map((r) => [r.file, r]));
  for (const r of m.event_log.runs) {
    const g = runs.get(r.file);
    if (!g) out.push(`live_state/${r.file}: not restored`);
    else if (g.records !== r.records || g.last_hash !== r.last_hash || g.status !== r.status) {
      out.push(
        `live_state/${r.file}: ${g.records} records ending ${
          g.last_hash.slice(0, 12)
        } (${g.status}) restored, ` +
          `${r.records} ending ${r.last_hash.slice(0, 12)} (${r.status}) at backup`,
      );
    }
  }
  const a = m.oms, b = o.oms;
  if (JSON.stringify(a.last) !== JSON.stringify(b.last)) {
    out.push(`event log replay: last record ${short(b.last)} restored, ${short(a.last)} at backup`);
  }
  if (a.book_sha256 !== b.book_sha256 || a.orders !== b.orders) {
    out.push(
      `event log replay: OMS book ${b.book_sha256.slice(0, 12)} (${b.orders} orders) restored, ` +
        `${a.book_sha256.slice(0, 12)} (${a.orders} orders) at backup`,
    );
  }
  if (a.classification !== b.classification) {
    out.push(`event log replay: boot classified ${b.classification} restored, ${a.classification} at backup`);
  }
  return out;
}

/** Every disagreement between the manifest and what the restore found, by check. Pure. */
export function compareBackup(m: BackupManifest, o: Observed): Problems {
  const p: Problems = { files: [], tables: [], queries: [], parquet: [], event_log: [] };
  p.files = compareFiles(m.files, o.files);
  if (o.errors.files) p.files.push(o.errors.files);
  if (o.duckdb === null) {
    const why = o.errors.tables ?? "store/: no store was restored";
    p.tables.push(why);
    p.queries.push(why);
  } else {
    for (const t of new Set([...Object.keys(m.duckdb.tables), ...Object.keys(o.duckdb.tables)])) {
      const a = m.duckdb.tables[t], b = o.duckdb.tables[t];
      if (a !== b) p.tables.push(`table ${t}: ${b ?? "absent"} rows restored, ${a ?? "absent"} at backup`);
    }
    p.queries = compareQueries(m.duckdb, o.duckdb);
  }
  if (o.errors.parquet) p.parquet.push(o.errors.parquet);
  else if (JSON.stringify(m.parquet) !== JSON.stringify(o.parquet)) {
    p.parquet.push(`parquet/: ${short(o.parquet)} restored, ${short(m.parquet)} at backup (files, rows)`);
  }
  if (o.errors.event_log) p.event_log.push(o.errors.event_log);
  else if (m.live_state === null || o.live_state === null) {
    if (m.live_state !== o.live_state) {
      p.event_log.push(
        `live_state/: ${o.live_state ? "present" : "absent"} restored, ` +
          `${m.live_state ? "present" : "absent"} at backup`,
      );
    }
  } else p.event_log = compareLog(m.live_state, o.live_state);
  return p;
}

/** Every problem, files first (a tampered file explains what follows from it). */
export const allProblems = (p: Problems): string[] => CHECKS.flatMap((c) => p[c]);
