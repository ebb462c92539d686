// Schema versions of data that outlives a binary (the feed's store, the loop's state dir), and the plan
// that moves data between them. A registry lists a store's forward migrations in order: version 1 is the
// format data had before versions were recorded, migration k takes version k-1 to k. A step may carry
// a documented down-migration; the release that applies a step records whether it had one, so an older
// release that finds the newer data can say how to go back. The refusal of newer data and the walk
// through the steps (each applied and recorded by the owner's `apply`) are here, once for every owner;
// reading and recording a version are the owners' (a table in the store, a marker file in the state dir).
import { SchemaTooNewError } from "./errors.ts";

/** One step k-1 -> k of a store's format. */
export interface Migration<C> {
  /** The version it produces (it applies to version `to - 1`). */
  readonly to: number;
  /** Why the format changed: recorded with the data, shown by `./tp migrate --status`. */
  readonly reason: string;
  readonly up: (ctx: C) => Promise<void>;
  /** Back to `to - 1` without loss; absent when a step cannot be undone (restore a backup instead). */
  readonly down?: (ctx: C) => Promise<void>;
}

/** A store's migrations, oldest first; the version its code writes is the last one's `to` (1 if none). */
export interface Registry<C> {
  /** What the data is, as lines name it: "store", "state dir". */
  readonly name: string;
  readonly migrations: readonly Migration<C>[];
}

/** The version a registry's code writes (and the newest it reads). */
export function latest(reg: { readonly migrations: readonly unknown[] }): number {
  return 1 + reg.migrations.length;
}

/** Checks the steps are 2, 3, ... in order: a registry with a hole or a repeat is a programming error. */
export function checkRegistry<C>(reg: Registry<C>): Registry<C> {
  reg.migrations.forEach((m, i) => {
    if (m.to !== i + 2) {
      throw new RangeError(
        `${reg.name} migrations: step ${i + 1} produces version ${m.to}, expected ${i + 2}`,
      );
    }
  });
  return reg;
}

/**
 * The registry as release `version` had it: its migrations up to `version` only. How a test (or an
 * operator rehearsing a rollback) runs this code as the release before the newest step.
 */
export function cutAt<C>(reg: Registry<C>, version: number): Registry<C> {
  if (!Number.isSafeInteger(version) || version < 1 || version > latest(reg)) {
    throw new RangeError(`${reg.name}: no release writes version ${version} (1..${latest(reg)})`);
  }
  return { name: reg.name, migrations: reg.migrations.slice(0, version - 1) };
}

/** The steps from `from` up to the registry's latest, in order (none when current or newer). */
export function planUp<C>(reg: Registry<C>, from: number): readonly Migration<C>[] {
  return reg.migrations.filter((m) => m.to > from);
}

/** The steps from `from` down to `to`, newest first, or the first step that has no down-migration. */
export function planDown<C>(
  reg: Registry<C>,
  from: number,
  to: number,
): { readonly steps: readonly Migration<C>[] } | { readonly missing: number } {
  const steps = reg.migrations.filter((m) => m.to > to && m.to <= from).reverse();
  const stuck = steps.find((m) => m.down === undefined);
  return stuck ? { missing: stuck.to } : { steps };
}

/** One step as the data records it; `from` 0: the version was first recorded (a new or unmarked store). */
export interface StepRecord {
  readonly from: number;
  readonly to: number;
  readonly atMs: number;
  readonly reason: string;
  /** The release that applied this step had a down-migration for it. */
  readonly down: boolean;
}

/**
 * Whether every step from `from` down to `to` was applied by a release with a down-migration for it
 * (each version's latest up-step counts). What an older release, which does not know those steps, can
 * still tell its operator.
 */
export function downRecorded(history: readonly StepRecord[], from: number, to: number): boolean {
  for (let v = from; v > to; v--) {
    const last = history.findLast((h) => h.to === v && h.from === v - 1);
    if (!last?.down) return false;
  }
  return true;
}

/**
 * The one line an older binary says when the data is newer than it reads: what (`key`: its name for
 * ./tp migrate --only) and where, both versions, and the way back: the down-migration the newer
 * release recorded, else a backup.
 */
export function tooNewLine(
  what: { readonly name: string; readonly key: string },
  where: string,
  dataVersion: number,
  codeVersion: number,
  downRecorded: boolean,
): string {
  const head = `${what.name} ${where} is at schema version ${dataVersion}, newer than this release reads ` +
    `(${codeVersion}): refusing to start`;
  return downRecorded
    ? `${head}; the release that upgraded it recorded a down-migration: with that release checked out, ` +
      `stop the services and run ./tp migrate --down-to ${codeVersion} --only ${what.key}, then start this one`
    : `${head}; no down-migration was recorded for it: run the newer release, or restore the backup ` +
      `taken before the upgrade (./tp restore BACKUP --into-place)`;
}

/** Data's version as its owner read it. */
export interface DataVersion {
  /** null: no data yet (a new store or state dir). */
  readonly version: number | null;
  /** The version came from the data's own record (false: unmarked, version 1 by rule). */
  readonly marked: boolean;
  readonly history: readonly StepRecord[];
}

/** What the data is, as lines name it, and its key for ./tp migrate --only. */
export interface DataKind {
  readonly name: string;
  readonly key: string;
}

/** Refuses data newer than `reg` reads: SchemaTooNewError with tooNewLine's one line. */
export function refuseTooNew(
  v: DataVersion,
  reg: { readonly migrations: readonly unknown[] },
  what: DataKind,
  where: string,
): void {
  const code = latest(reg);
  if (v.version === null || v.version <= code) return;
  throw new SchemaTooNewError(
    tooNewLine(what, where, v.version, code, downRecorded(v.history, v.version, code)),
  );
}

/** The record of a version's first marking: from 0 (a new store, or one from before versions). */
export const firstStep = (reason: string, atMs: number): StepRecord => ({
  from: 0,
  to: 1,
  atMs,
  reason,
  down: false,
});

/** Runs one step's `up` or `down` and records `step`, all or nothing where the owner can. */
export type ApplyStep<C> = (
  run: (ctx: C) => Promise<void>,
  step: StepRecord,
  m: Migration<C>,
) => Promise<void>;

/** Applies the steps from `from` up to the registry's latest, oldest first. */
export async function migrateUp<C>(reg: Registry<C>, from: number, now: () => number, apply: ApplyStep<C>) {
  for (const m of planUp(reg, from)) {
    await apply(
      m.up,
      { from: m.to - 1, to: m.to, atMs: now(), reason: m.reason, down: m.down !== undefined },
      m,
    );
  }
}

/**
 * Applies the down-migrations from `from` to `to`, newest first; RangeError naming the first step that has
 * none (before any is applied): restore a backup instead.
 */
export async function migrateDown<C>(
  reg: Registry<C>,
  range: { readonly from: number; readonly to: number },
  now: () => number,
  apply: ApplyStep<C>,
) {
  const plan = planDown(reg, range.from, range.to);
  if ("missing" in plan) {
    throw new RangeError(
      `${reg.name} step ${plan.missing - 1} -> ${plan.missing} has no down-migration: restore the backup ` +
        "taken before the upgrade instead (./tp restore BACKUP --into-place)",
    );
  }
  for (const m of plan.steps) {
    await apply(
      m.down!,
      { from: m.to, to: m.to - 1, atMs: now(), reason: `down: ${m.reason}`, down: false },
      m,
    );
  }
}
