// BACKUP_MANIFEST.json: what a backup holds and what it must answer once restored. Every file's
// SHA-256 and size; the store's table row counts and the answers of its fixed questions at the moment
// of the copy; the Parquet partitions' files and rows; the loop's event log (per run: records, last
// seq and hash) and the OMS state its replay gives; the tickproof commit. Written last: a backup
// folder without it is not a backup. One zod schema at the edge; inside, its inferred type.
import { join } from "node:path";
import { z } from "zod";
import { treeFiles } from "../fs/copy_tree.ts";
import { sha256File } from "../evidence/sha256.ts";

export const MANIFEST_FILE = "BACKUP_MANIFEST.json";
/** Beside the manifest once a restore of the backup verified (rotate.ts); not one of its hashed files. */
export const VERIFIED_FILE = "VERIFIED";
export const FORMAT = "tickproof-backup/1";
/** The backup's parts, each a folder inside it. */
export const PARTS = {
  store: "store",
  parquet: "parquet",
  liveState: "live_state",
  config: "config",
} as const;

export const FileEntrySchema = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

const Last = z.object({ run: z.number(), seq: z.number(), hash: z.string() }).nullable();
export const EventLogSchema = z.object({
  runs: z.array(z.object({
    run: z.number(),
    file: z.string(),
    records: z.number(),
    last_seq: z.number(),
    last_hash: z.string(),
    status: z.string(),
    /** Bytes of a line still being written when it was copied, left out (the copy ends at a record). */
    cut_bytes: z.number(),
  })),
  records: z.number(),
  last: Last,
});
export type EventLogSummary = z.infer<typeof EventLogSchema>;

export const OmsStateSchema = z.object({
  /** bootOms's classification of the copy (a running loop's copy reads as crashed_recovered). */
  classification: z.string(),
  last: Last,
  /** SHA-256 of the replayed book's JSON (orders, positions, fees, id counter; sorted keys). */
  book_sha256: z.string(),
  orders: z.number(),
  refused: z.number(),
  snapshot: z.object({ source: z.string(), run: z.number(), seq: z.number() }),
});
export type OmsState = z.infer<typeof OmsStateSchema>;

export const QuerySchema = z.object({ key: z.string(), sql: z.string(), answer: z.unknown() });
export const DuckDbSchema = z.object({
  tables: z.record(z.string(), z.number()),
  queries: z.array(QuerySchema),
});
export const ParquetSchema = z.object({ files: z.number(), rows: z.number() });
export const LiveStateSchema = z.object({
  files: z.number(),
  event_log: EventLogSchema,
  oms: OmsStateSchema,
});

export const BackupManifestSchema = z.object({
  format: z.literal(FORMAT),
  created_at: z.string(),
  tickproof_commit: z.string(),
  /**
   * The schema versions of the data copied (the store's schema_meta, the state dir's marker; null:
   * none copied). Absent in backups made before versions were recorded: their data is version 1.
   */
  schema: z.object({ store: z.number().nullable(), state: z.number().nullable() }).optional(),
  sources: z.object({
    store: z.string(),
    /** "feed pid N (EXPORT DATABASE)" or "backup (read-only open)". */
    store_copied_by: z.string(),
    parquet_dir: z.string(),
    state_dir: z.string(),
    config_dir: z.string(),
  }),
  duckdb: DuckDbSchema,
  parquet: ParquetSchema.nullable(),
  live_state: LiveStateSchema.nullable(),
  config: z.object({ files: z.number() }).nullable(),
  files: z.array(FileEntrySchema),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

/** SHA-256 (hex) and size of one file, read in chunks (a store's Parquet file may be large). */
export async function fileEntry(root: string, rel: string): Promise<FileEntry> {
  return { path: rel, ...await sha256File(join(root, rel)) };
}

/** Every file of a backup folder but its manifest and VERIFIED mark, hashed, sorted by path. */
export async function hashFiles(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const rel of await treeFiles(root)) {
    if (rel !== MANIFEST_FILE && rel !== VERIFIED_FILE) out.push(await fileEntry(root, rel));
  }
  return out;
}

/** The manifest of the backup in `dir`, or why there is none (a one-line reason naming the file). */
export async function readManifest(dir: string): Promise<BackupManifest | string> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, MANIFEST_FILE));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return `${MANIFEST_FILE}: missing (not a complete backup)`;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `${MANIFEST_FILE}: not JSON (${(err as Error).message})`;
  }
  const r = BackupManifestSchema.safeParse(raw);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  return `${MANIFEST_FILE}: ${i.path.join(".") || "(file)"} ${i.message}`;
}
