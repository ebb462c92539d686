// The feed's local backup trigger: a spool folder beside the store (`<STORE_PATH>.backup_spool/`).
// `./tp backup` cannot open a store the feed holds (DuckDB: one writer, no other process at all), so
// it drops a request file there; the feed, the one process that may read the store, exports into the
// folder the request names and answers with a done file. Files, not a socket or an HTTP POST: the
// feed's HTTP face stays GET-only, and only someone who may write beside the store can ask. Each file
// is written atomically (temp + rename), so neither side ever reads half of one.
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic.ts";

/** The spool folder of the store at `storePath`. */
export const spoolDir = (storePath: string): string => `${storePath}.backup_spool`;

const ID = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8-64 of [A-Za-z0-9_-]");
const ABS = z.string().regex(/^\//, "must be an absolute path");

export const ExportRequestSchema = z.object({
  version: z.literal(1),
  id: ID,
  /** EXPORT DATABASE's folder (absent; its parent exists). */
  storeDir: ABS,
  /** Where the Parquet partitions are copied to. */
  parquetTo: ABS,
  /** Wall-clock ms after which the request is stale: the asker has given up, so nothing is exported. */
  deadlineMs: z.number(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

const QuerySchema = z.object({ key: z.string(), sql: z.string(), answer: z.unknown() });
export const ExportDoneSchema = z.discriminatedUnion("ok", [
  z.object({
    version: z.literal(1),
    id: ID,
    ok: z.literal(true),
    pid: z.number(),
    atMs: z.number(),
    tables: z.record(z.string(), z.number()),
    queries: z.array(QuerySchema),
    parquet: z.object({ files: z.number(), bytes: z.number() }).nullable(),
  }),
  z.object({
    version: z.literal(1),
    id: ID,
    ok: z.literal(false),
    pid: z.number(),
    atMs: z.number(),
    error: z.string(),
  }),
]);
export type ExportDone = z.infer<typeof ExportDoneSchema>;

export const requestPath = (spool: string, id: string): string => join(spool, `req-${id}.json`);
export const donePath = (spool: string, id: string): string => join(spool, `done-${id}.json`);

export async function writeRequest(spool: string, req: ExportRequest): Promise<void> {
  await Deno.mkdir(spool, { recursive: true });
  await writeFileAtomic(requestPath(spool, req.id), JSON.stringify(ExportRequestSchema.parse(req)) + "\n");
}

export async function writeDone(spool: string, done: ExportDone): Promise<void> {
  await writeFileAtomic(donePath(spool, done.id), JSON.stringify(done) + "\n");
}

/** Ids of the requests waiting in the spool, oldest name first; none when there is no spool. */
export async function pendingRequests(spool: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of Deno.readDir(spool)) {
      const m = e.isFile ? /^req-(.+)\.json$/.exec(e.name) : null;
      if (m) ids.push(m[1]);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return ids.sort();
}

async function readJson(path: string): Promise<unknown | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    if (err instanceof SyntaxError) return { invalid: err.message };
    throw err;
  }
}

/** A request: the parsed file, null when gone, or why it is not one. */
export async function readRequest(spool: string, id: string): Promise<ExportRequest | string | null> {
  const raw = await readJson(requestPath(spool, id));
  if (raw === null) return null;
  const r = ExportRequestSchema.safeParse(raw);
  return r.success ? r.data : `${r.error.issues[0].path.join(".") || "(file)"} ${r.error.issues[0].message}`;
}

/** The feed's answer to request `id`, or null while there is none. */
export async function readDone(spool: string, id: string): Promise<ExportDone | null> {
  const raw = await readJson(donePath(spool, id));
  if (raw === null) return null;
  const r = ExportDoneSchema.safeParse(raw);
  if (!r.success) throw new SyntaxError(`${donePath(spool, id)} is not a backup answer`);
  return r.data;
}

/**
 * Removes answers older than `maxAgeMs` whose asker never took them (it was killed after asking):
 * left alone, they would pile up in the spool.
 */
export async function dropStaleAnswers(spool: string, nowMs: number, maxAgeMs = 3_600_000): Promise<void> {
  try {
    for await (const e of Deno.readDir(spool)) {
      if (!e.isFile || !/^done-.+\.json$/.test(e.name)) continue;
      const st = await Deno.stat(join(spool, e.name)).catch(() => null);
      if (st?.mtime && nowMs - st.mtime.getTime() > maxAgeMs) {
        await Deno.remove(join(spool, e.name)).catch(() => {});
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Removes a request and its answer (either may be gone already). */
export async function clearRequest(spool: string, id: string): Promise<void> {
  for (const p of [requestPath(spool, id), donePath(spool, id)]) {
    await Deno.remove(p).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}
