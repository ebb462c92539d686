#!/usr/bin/env -S deno run -A
// task migrate: the schema versions of the feed's store and the live loop's state dir against this
// release (--status), pending steps applied (--up), documented down-migrations run (--down-to N).
import { EXIT, intFlag, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../lib/feed/load_config.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { liveStateDir } from "../lib/live/config.ts";
import {
  dataVersions,
  migrateDown,
  migrateUp,
  statusLine,
  STORE_KEYS,
  type StoreKey,
} from "../lib/release/migrate.ts";
import { registriesFromEnv, SCHEMA_CUT_ENV } from "../lib/release/registries.ts";
import { latest } from "../lib/util/schema_plan.ts";

const HELP = `Usage: ./tp migrate --status | --up | --down-to N [--only store|state] [options]

The data that outlives a binary carries its schema version: the feed's DuckDB store (table
schema_meta) and the live loop's state dir (state_version.json). Data without one is version 1.
The feed and the live loop migrate their data forward at start, each step atomic (one DuckDB
transaction; state dir: new files renamed into place) and recorded; a release older than its
data refuses to start (exit 3), naming the way back.

  --status       each store's version against this release: current, pending steps, the
                 --down-to targets this release can reach (exit 3 when data is newer than it reads)
  --up           applies the pending steps now, instead of at the services' start
  --down-to N    runs this release's down-migrations until each store is at version N: the step
                 before switching the checkout back to the release that writes N (run it with the
                 NEWER release checked out: only it knows how to undo its steps). A step without a
                 down-migration is refused: restore the backup taken before the upgrade instead.
--up and --down-to refuse (exit 2) while the feed or the live loop runs (the store's lock held, or
their ports answering): stop them first.

Options:
  --only KEY          store or state (default both)
  --store PATH        the store (default STORE_PATH as the feed resolves it: env, else --env's file;
                      DuckDB only: with STORE_URL=postgres://... and no --store, exit 2)
  --state-dir DIR     the state dir (default LIVE_STATE_DIR, else data/live/)
  --env FILE          the feed's env file (default ${DEFAULT_ENV_FILE})
  --feed-port N       the feed's port checked before a change (default ${PORTS.live_connector})
  --loop-port N       the live loop's port checked before a change (default ${PORTS.live_loop})
  -h, --help          this help
Env:
  ${SCHEMA_CUT_ENV}=store=N[,state=M]  run as the release whose newest step is N (M)
Exit: 0 done (or all current), 1 a step failed (rolled back: the data is where it was), 2 usage or
services running, 3 data newer than this release reads.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      status: { type: "boolean" },
      up: { type: "boolean" },
      "down-to": { type: "string" },
      only: { type: "string" },
      store: { type: "string" },
      "state-dir": { type: "string" },
      env: { type: "string" },
      "feed-port": { type: "string" },
      "loop-port": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const modes = [v.status, v.up, v["down-to"] !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError("give one of --status, --up, --down-to N (see --help)");
  if (v.only !== undefined && !(STORE_KEYS as readonly string[]).includes(v.only)) {
    throw new UsageError(`--only must be store or state, got "${v.only}"`);
  }
  const only = v.only === undefined ? undefined : [v.only as StoreKey];
  const env = (k: string) => Deno.env.get(k);
  const registries = registriesFromEnv(env);
  const storePath = v.store ?? duckDbOnly(
    loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), {}).store,
    "./tp migrate",
    "the feed migrates a PostgreSQL store forward at its start (the loop's state dir alone: " +
      "STORE_URL= ./tp migrate --only state ...)",
  );
  const targets = { storePath, stateDir: v["state-dir"] ?? liveStateDir(env) };
  if (v.status) {
    const d = await dataVersions(targets, registries);
    const keys = only ?? STORE_KEYS;
    for (const k of keys) {
      console.log(statusLine(k, d[k], k === "store" ? registries.store : registries.state));
    }
    const newer = keys.some((k) => d[k].status === "newer");
    return newer ? EXIT.SCHEMA : EXIT.OK;
  }
  const o = {
    ...targets,
    registries,
    only,
    probe: {
      host: bindHost(),
      feedPort: intFlag("feed-port", v["feed-port"], PORTS.live_connector, 1, 65535),
      loopPort: intFlag("loop-port", v["loop-port"], PORTS.live_loop, 1, 65535),
    },
  };
  const max = Math.max(latest(registries.store), latest(registries.state));
  const lines = v.up ? await migrateUp(o) : await migrateDown(o, intFlag("down-to", v["down-to"], 1, 1, max));
  for (const line of lines) console.log(line);
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("migrate", main));
