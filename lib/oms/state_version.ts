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
import { EnvironmentError, SchemaTooNewError } from "../util/errors.ts";
import {
  checkRegistry,
  downRecorded,
  latest,
  planDown,
  planUp,
  type Registry,
  type StepRecord,
  tooNewLine,
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

export interface StateVersion {
  /** null: a new state dir (missing or empty). */
  readonly version: number | null;
  readonly marked: boolean;
  readonly history: readonly StepRecord[];
}

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

async function writeMarker(dir: string, history: readonly StepRecord[]): Promise<StateVersion> {
  const marker = { version: history.at(-1)!.to, history };
  await writeFileAtomic(join(dir, STATE_VERSION_FILE), JSON.stringify(marker, null, 1) + "\n", {
    durable: true,
  });
  return { version: marker.version, marked: true, history };
}

/** Refuses a state dir newer than `reg` reads (SchemaTooNewError naming the dir and the way back). */
export function refuseNewerState(v: StateVersion, reg: StateRegistry, dir: string): void {
  const code = latest(reg);
  if (v.version === null || v.version <= code) return;
  throw new SchemaTooNewError(
    tooNewLine(
      { name: "live state dir", key: "state" },
      dir,
      v.version,
      code,
      downRecorded(v.history, v.version, code),
    ),
  );
}

export interface PrepareStateOptions {
  readonly registry?: StateRegistry;
  /** The loop's start: mark the dir, apply pending steps. A reader: change nothing. */
  readonly migrate: boolean;
  readonly now?: () => number;
}

/** Brings the state dir to the code's version (the loop's start) or checks it can be read. */
export async function prepareStateDir(dir: string, o: PrepareStateOptions): Promise<StateVersion> {
  const reg = o.registry ?? STATE_MIGRATIONS, now = o.now ?? Date.now;
  let v = await readStateVersion(dir);
  refuseNewerState(v, reg, dir);
  if (!o.migrate) return v;
  if (!v.marked) {
    await Deno.mkdir(dir, { recursive: true });
    const reason = v.version === null ? "new state dir" : "state dir from before schema versions";
    v = await writeMarker(dir, [{ from: 0, to: 1, atMs: now(), reason, down: false }]);
  }
  for (const m of planUp(reg, v.version!)) {
    await m.up(dir);
    const step = { from: m.to - 1, to: m.to, atMs: now(), reason: m.reason, down: m.down !== undefined };
    v = await writeMarker(dir, [...v.history, step]);
  }
  return v;
}

/** Takes the state dir down to version `to` with the registry's down-migrations, newest step first. */
export async function migrateStateDown(
  dir: string,
  to: number,
  o: { readonly registry?: StateRegistry; readonly now?: () => number } = {},
): Promise<StateVersion> {
  const reg = o.registry ?? STATE_MIGRATIONS, now = o.now ?? Date.now;
  let v = await readStateVersion(dir);
  refuseNewerState(v, reg, dir);
  if (v.version === null || v.version <= to) return v;
  const plan = planDown(reg, v.version, to);
  if ("missing" in plan) {
    throw new RangeError(
      `state dir step ${plan.missing - 1} -> ${plan.missing} has no down-migration: restore the backup ` +
        "taken before the upgrade instead (./tp restore BACKUP --into-place)",
    );
  }
  for (const m of plan.steps) {
    await m.down!(dir);
    const step = { from: m.to, to: m.to - 1, atMs: now(), reason: `down: ${m.reason}`, down: false };
    v = await writeMarker(dir, [...v.history, step]);
  }
  return v;
}
