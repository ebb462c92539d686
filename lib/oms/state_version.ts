// The live loop's state dir format version (the event log, snapshots, kill switch and the loop's other
// files): state_version.json in the dir, the version and every step applied to it, replaced whole by a
// durable atomic write. A dir holding loop files but no marker is version 1 (made before versions were
// recorded); an empty or missing one is new. The loop's service prepares the dir at start (marks it,
// applies pending steps); readers only check. Both refuse a dir newer than their code
// (SchemaTooNewError: one line, exit 3). A step writes its new files beside the old ones and renames
// them into place, then the marker is rewritten: a crash between the two runs the step again at the
// next start, so a step must be idempotent.
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic.ts";
import { EnvironmentError } from "../util/errors.ts";
import {
  type ApplyStep,
  checkRegistry,
  type DataVersion,
  firstStep,
  migrateDown,
  migrateUp,
  refuseTooNew,
  type Registry,
  type StepRecord,
} from "../util/schema_plan.ts";

export const STATE_VERSION_FILE = "state_version.json";

/** A state dir step's context: the dir. */
export type StateRegistry = Registry<string>;

/** The state dir's migrations: none yet (version 1 is today's format). */
export const STATE_MIGRATIONS: StateRegistry = checkRegistry({ name: "state dir", migrations: [] });

const Step = z.object({
  from: z.number().int().min(0),
  to: z.number().int().min(1),
  atMs: z.number(),
  reason: z.string(),
  down: z.boolean(),
});
const MarkerSchema = z.object({ version: z.number().int().min(1), history: z.array(Step).min(1) })
  .refine((m) => m.history.at(-1)!.to === m.version, "version is not the last step's");

/** version null: a new state dir (missing or empty). */
export type StateVersion = DataVersion;

const STATE_DIR = { name: "live state dir", key: "state" } as const;

/** The dir's version; read-only. An unreadable marker is an EnvironmentError: never guessed past. */
export async function readStateVersion(dir: string): Promise<StateVersion> {
  const path = join(dir, STATE_VERSION_FILE);
  let text: string | null = null;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (text === null) return { version: await hasEntries(dir) ? 1 : null, marked: false, history: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EnvironmentError(
      `${path}: not JSON; the state dir's version is unknown, so nothing may start on it`,
    );
  }
  const r = MarkerSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new EnvironmentError(`${path}: ${i.path.join(".") || "(file)"} ${i.message}; not a version marker`);
  }
  return { version: r.data.version, marked: true, history: r.data.history };
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
    return false;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function writeMarker(dir: string, history: readonly StepRecord[]): Promise<void> {
  const marker = { version: history.at(-1)!.to, history };
  await writeFileAtomic(join(dir, STATE_VERSION_FILE), JSON.stringify(marker, null, 1) + "\n", {
    durable: true,
  });
}

/** A step's files changed, then the marker rewritten with it (a crash between the two reruns the step). */
const applyIn = (dir: string): ApplyStep<string> => async (run, step) => {
  await run(dir);
  await writeMarker(dir, [...(await readStateVersion(dir)).history, step]);
};

export interface PrepareStateOptions {
  readonly registry?: StateRegistry;
  /** The loop's start: mark the dir, apply pending steps. A reader: change nothing. */
  readonly migrate: boolean;
  readonly now?: () => number;
}

/** Brings the state dir to the code's version (the loop's start) or checks it can be read. */
export async function prepareStateDir(dir: string, o: PrepareStateOptions): Promise<StateVersion> {
  const reg = o.registry ?? STATE_MIGRATIONS, now = o.now ?? Date.now;
  const v = await readStateVersion(dir);
  refuseTooNew(v, reg, STATE_DIR, dir);
  if (!o.migrate) return v;
  if (!v.marked) {
    await Deno.mkdir(dir, { recursive: true });
    const reason = v.version === null ? "new state dir" : "state dir from before schema versions";
    await writeMarker(dir, [firstStep(reason, now())]);
  }
  await migrateUp(reg, v.version ?? 1, now, applyIn(dir));
  return await readStateVersion(dir);
}

/** Takes the state dir down to version `to` with the registry's down-migrations, newest step first. */
export async function migrateStateDown(
  dir: string,
  to: number,
  o: { readonly registry?: StateRegistry; readonly now?: () => number } = {},
): Promise<StateVersion> {
  const reg = o.registry ?? STATE_MIGRATIONS, now = o.now ?? Date.now;
  const v = await readStateVersion(dir);
  refuseTooNew(v, reg, STATE_DIR, dir);
  if (v.version === null || v.version <= to) return v;
  await migrateDown(reg, { from: v.version, to }, now, applyIn(dir));
  return await readStateVersion(dir);
}
