// Schema versions of data that outlives a binary (the feed's store, the loop's state dir), and the plan
// that moves data between them. A registry lists a store's forward migrations in order: version 1 is the
// format data had before versions were recorded, migration k takes version k-1 to k. A step may carry
// a documented down-migration; the release that applies a step records whether it had one, so an older
// release that finds the newer data can say how to go back. Pure: the steps' effects are the owners'.

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
