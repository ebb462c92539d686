// The migrations this release carries, per store, and the one way to run it as an older release:
// TICKPROOF_SCHEMA_CUT=store=N[,state=M] withholds every step newer than N (M), so the same code
// behaves as the release whose newest step was N: it writes and reads version N, refuses newer data.
// For rehearsing a rollback and for the rollback test (two releases from one checkout); read only at
// the entry points and handed down.
import { STATE_MIGRATIONS, type StateRegistry } from "../oms/state_version.ts";
import { STORE_MIGRATIONS, type StoreRegistry } from "../store/store_schema.ts";
import { ConfigError } from "../util/errors.ts";
import { cutAt, latest } from "../util/schema_plan.ts";

export const SCHEMA_CUT_ENV = "TICKPROOF_SCHEMA_CUT";

export interface Registries {
  readonly store: StoreRegistry;
  readonly state: StateRegistry;
}

/** This release's migrations, whole. */
export const RELEASE: Registries = { store: STORE_MIGRATIONS, state: STATE_MIGRATIONS };

/** RELEASE, cut as `value` (TICKPROOF_SCHEMA_CUT) says; unset or empty: whole. ConfigError otherwise. */
export function registriesFromCut(value: string | undefined): Registries {
  if (value === undefined || value.trim() === "") return RELEASE;
  let { store, state } = RELEASE;
  for (const part of value.split(",")) {
    const m = /^\s*(store|state)=(\d+)\s*$/.exec(part);
    const n = Number(m?.[2]);
    if (!m || n < 1 || n > latest(m[1] === "store" ? RELEASE.store : RELEASE.state)) {
      throw new ConfigError(
        `${SCHEMA_CUT_ENV} must be store=N and/or state=M (comma-separated) with N in 1..${
          latest(RELEASE.store)
        } and M in 1..${latest(RELEASE.state)}, got "${value}"`,
      );
    }
    if (m[1] === "store") store = cutAt(RELEASE.store, n);
    else state = cutAt(RELEASE.state, n);
  }
  return { store, state };
}

/** The registries an entry point runs with: RELEASE unless TICKPROOF_SCHEMA_CUT cuts them. */
export const registriesFromEnv = (env: (name: string) => string | undefined): Registries =>
  registriesFromCut(env(SCHEMA_CUT_ENV));
