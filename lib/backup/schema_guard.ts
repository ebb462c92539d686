// A backup's data carries schema versions like the data it copies: `./tp backup` refuses data newer
// than its release (it could not vouch for a format it does not know), and `./tp restore` refuses a
// backup whose data is newer than its release (the services it restores for would refuse it at start).
// SchemaTooNewError each: one line, exit 3.
import { latest } from "../util/schema_plan.ts";
import { SchemaTooNewError } from "../util/errors.ts";
import { STATE_MIGRATIONS, type StateRegistry } from "../oms/state_version.ts";
import { STORE_MIGRATIONS, type StoreRegistry } from "../store/store_schema.ts";
import type { BackupManifest } from "./manifest.ts";

/** The migrations a backup command runs with (default this release's). */
export interface BackupRegistries {
  readonly store?: StoreRegistry;
  readonly state?: StateRegistry;
}

export const storeRegistry = (r: BackupRegistries | undefined) => r?.store ?? STORE_MIGRATIONS;
export const stateRegistry = (r: BackupRegistries | undefined) => r?.state ?? STATE_MIGRATIONS;

/** Refuses a backup holding data newer than this release reads. */
export function refuseNewerBackup(dir: string, m: BackupManifest, r: BackupRegistries | undefined): void {
  const parts = [
    ["store", m.schema?.store ?? null, latest(storeRegistry(r))],
    ["live state dir", m.schema?.state ?? null, latest(stateRegistry(r))],
  ] as const;
  for (const [what, has, reads] of parts) {
    if (has === null || has <= reads) continue;
    throw new SchemaTooNewError(
      `backup ${dir} holds a ${what} at schema version ${has}, newer than this release reads (${reads}): ` +
        `refusing it; restore it with the release that made it (commit ${m.tickproof_commit}), or pick a ` +
        "backup taken before the upgrade",
    );
  }
}
