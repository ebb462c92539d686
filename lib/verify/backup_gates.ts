// The backup drill as gates: the backup was made, and each check of its restore (files, table rows,
// query answers, Parquet partitions, event-log replay) agrees with its manifest. Judged from two raw
// files the drill keeps in its folder, the backup's manifest and what the restore found, with the same
// pure comparison `./tp restore --verify` uses, so `./tp evidence check` re-judges it offline. Pure.
import { type CheckName, CHECKS, compareBackup, type Observed } from "../backup/compare.ts";
import { type BackupManifest, BackupManifestSchema } from "../backup/manifest.ts";
import { BACKUP_DRILL_FILES } from "../evidence/gate_sources.ts";
import type { GateResult } from "./gates.ts";

export const BACKUP_DRILL_SUMMARY = "BACKUP_DRILL_SUMMARY.txt";

/** The summary's key=value header, in order (summary.json holds the same keys). */
export const BACKUP_DRILL_HEADER = [
  "seeded",
  "target",
  "backup_dir",
  "store",
  "store_copied_by",
  "bars",
  "parquet",
  "event_log",
  "oms",
  "files",
  "tickproof_commit",
  "rotation_deleted",
  "drilled_at",
] as const;

type HeaderKey = (typeof BACKUP_DRILL_HEADER)[number];

/** The header keys the folder's manifest copy derives; the rest say how and when the drill ran. */
export const DRILL_MANIFEST_KEYS = [
  "store_copied_by",
  "bars",
  "parquet",
  "event_log",
  "oms",
  "files",
  "tickproof_commit",
] as const satisfies readonly HeaderKey[];

/** What only the drill's run knows (seeded, target, backup_dir, store, rotation_deleted, drilled_at). */
export type DrillRunHeader = Readonly<
  Record<Exclude<HeaderKey, (typeof DRILL_MANIFEST_KEYS)[number]>, string>
>;

/** The header values derived from the manifest copy ("none" each when there is none). */
export function drillManifestHeader(
  m: BackupManifest | null,
): Record<(typeof DRILL_MANIFEST_KEYS)[number], string> {
  const ls = m?.live_state;
  const last = ls?.event_log.last;
  return {
    store_copied_by: m?.sources.store_copied_by ?? "none",
    bars: String(m?.duckdb.tables.bars ?? "none"),
    parquet: m?.parquet ? `${m.parquet.files} files, ${m.parquet.rows} rows` : "none",
    event_log: ls
      ? `${ls.event_log.records} records` + (last ? `, last run ${last.run} seq ${last.seq}` : "")
      : "none",
    oms: ls
      ? `${ls.oms.classification}, ${ls.oms.orders} orders, book ${ls.oms.book_sha256.slice(0, 12)}`
      : "none",
    files: m ? `${m.files.length} (${m.files.reduce((n, f) => n + f.size, 0)} bytes)` : "none",
    tickproof_commit: m?.tickproof_commit ?? "none",
  };
}

/** The whole summary header in BACKUP_DRILL_HEADER order: the run's values and the manifest's. */
export function backupDrillHeader(m: BackupManifest | null, run: DrillRunHeader): Record<HeaderKey, string> {
  const all: Record<HeaderKey, string> = { ...run, ...drillManifestHeader(m) };
  return Object.fromEntries(BACKUP_DRILL_HEADER.map((k) => [k, all[k]])) as Record<HeaderKey, string>;
}

const SOURCE: Readonly<Record<CheckName, string>> = {
  files: "SHA-256 and size of every file",
  tables: "row count of every table (IMPORT DATABASE)",
  queries: "answers of the store's fixed queries",
  parquet: "Parquet partitions' files and rows",
  event_log: "event log booted to the OMS state",
};

/** What a passing check shows (from the manifest). */
function okDetail(c: CheckName, m: BackupManifest): string {
  switch (c) {
    case "files":
      return `${m.files.length} files, ${m.files.reduce((n, f) => n + f.size, 0)} bytes`;
    case "tables":
      return Object.entries(m.duckdb.tables).map(([t, n]) => `${t} ${n}`).join(", ") || "no tables";
    case "queries":
      return m.duckdb.queries.map((q) => q.key).join(", ") || "none";
    case "parquet":
      return m.parquet ? `${m.parquet.files} files, ${m.parquet.rows} rows` : "none in the backup";
    case "event_log": {
      const ls = m.live_state;
      return ls
        ? `${ls.event_log.records} records, ${ls.oms.classification}, book ${ls.oms.book_sha256.slice(0, 12)}`
        : "no state dir in the backup";
    }
  }
}

export const gateKey = (c: CheckName) => `restore_${c}`;

/** The drill's gates: `backup_complete`, then one per restore check. */
export function backupDrillGates(
  manifest: BackupManifest | null,
  observed: Observed | null,
  backupError: string | null,
): GateResult[] {
  const complete: GateResult = {
    key: "backup_complete",
    promql: `${BACKUP_DRILL_FILES.manifest} (the backup's manifest, written last)`,
    want: ">0 files",
    status: manifest && manifest.files.length > 0 ? "PASS" : "FAIL",
    value: manifest ? manifest.files.length : 0,
    detail: manifest ? `${manifest.files.length} files listed` : `no backup: ${backupError ?? "no manifest"}`,
  };
  const problems = manifest && observed ? compareBackup(manifest, observed) : null;
  return [
    complete,
    ...CHECKS.map((c): GateResult => {
      const base = { key: gateKey(c), promql: `${SOURCE[c]} (${BACKUP_DRILL_FILES.observed})`, want: "=0" };
      if (!problems || !manifest) {
        return { ...base, status: "NO_DATA", value: null, detail: "nothing restored" };
      }
      const list = problems[c];
      return {
        ...base,
        status: list.length === 0 ? "PASS" : "FAIL",
        value: list.length,
        detail: list.length === 0
          ? okDetail(c, manifest)
          : `${list[0]}${list.length > 1 ? ` (+${list.length - 1})` : ""}`,
      };
    }),
  ];
}

/** The manifest copy in a drill folder (null when absent), or why it is unreadable. */
export function parseDrillManifest(text: string | null): BackupManifest | null | string {
  if (text === null) return null;
  try {
    const r = BackupManifestSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : `${r.error.issues[0].path.join(".")} ${r.error.issues[0].message}`;
  } catch (err) {
    return (err as Error).message;
  }
}
