// Snapshots of the OMS book: where in the log they stand (run, seq, that record's hash) and the book.
// Written temp + fsync + rename (lib/fs/atomic.ts, durable); before a new one replaces the current
// file, a valid current one becomes the previous copy, so a bad write never leaves no good snapshot.
import { sha256Hex } from "../evidence/sha256.ts";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { BookJson } from "./book.ts";

export const SNAPSHOT_FILE = "snapshot.json";
export const PREVIOUS_FILE = "snapshot.prev.json";

export interface Snapshot {
  /** The run and the last record of it the book includes, and that record's hash. */
  readonly run: number;
  readonly seq: number;
  readonly hash: string;
  readonly savedAtMs: number;
  readonly book: BookJson;
}

interface SnapshotFile {
  readonly version: 1;
  /** sha256 of JSON.stringify(snapshot): a torn or edited file is never loaded. */
  readonly sha256: string;
  readonly snapshot: Snapshot;
}

const digest = (s: Snapshot) => sha256Hex(JSON.stringify(s));

/** The snapshot in `text`, or why it is not one. */
export function parseSnapshot(text: string): Snapshot | string {
  let f: SnapshotFile;
  try {
    f = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (f?.version !== 1 || typeof f.snapshot !== "object" || f.snapshot === null) {
    return "not a version 1 snapshot";
  }
  if (digest(f.snapshot) !== f.sha256) return "checksum mismatch";
  return f.snapshot;
}

export function formatSnapshot(s: Snapshot): string {
  const f: SnapshotFile = { version: 1, sha256: digest(s), snapshot: s };
  return JSON.stringify(f) + "\n";
}

async function readValid(path: string): Promise<Snapshot | string> {
  try {
    return parseSnapshot(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "missing";
    throw err;
  }
}

/** Keeps a valid current snapshot as the previous copy, then writes `s` durably as the current one. */
export async function saveSnapshot(dir: string, s: Snapshot): Promise<void> {
  const cur = join(dir, SNAPSHOT_FILE);
  if (typeof (await readValid(cur)) !== "string") await Deno.rename(cur, join(dir, PREVIOUS_FILE));
  await writeFileAtomic(cur, formatSnapshot(s), { durable: true });
}

export interface LoadedSnapshot {
  readonly snapshot: Snapshot | null;
  readonly source: "current" | "previous" | "none";
  /** Each file found but not loadable, and why (a missing file is not a problem). */
  readonly problems: readonly string[];
}

/** The newest valid snapshot: the current file, else the previous copy, else none. */
export async function loadSnapshot(dir: string): Promise<LoadedSnapshot> {
  const problems: string[] = [];
  for (const [file, source] of [[SNAPSHOT_FILE, "current"], [PREVIOUS_FILE, "previous"]] as const) {
    const r = await readValid(join(dir, file));
    if (typeof r !== "string") return { snapshot: r, source, problems };
    if (r !== "missing") problems.push(`${file}: ${r}`);
  }
  return { snapshot: null, source: "none", problems };
}
