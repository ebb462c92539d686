#!/usr/bin/env -S deno run -A
// task version: which release this is, the schema versions its code writes and reads, and (--data)
// the versions the data on disk carries.
import { fileURLToPath } from "node:url";
import { EXIT, intFlag, parseFlags, run } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../lib/feed/load_config.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { liveStateDir } from "../lib/live/config.ts";
import { COMMIT_ENV, releaseCommit } from "../lib/release/commit.ts";
import { withFeedStoreVersion } from "../lib/release/feed_store_version.ts";
import { dataVersions } from "../lib/release/migrate.ts";
import { registriesFromEnv, SCHEMA_CUT_ENV } from "../lib/release/registries.ts";
import { renderVersion, versionReport } from "../lib/release/version_report.ts";
import { latest } from "../lib/util/schema_plan.ts";

const HELP =
  `Usage: ./tp version [--data] [--json] [--store PATH] [--state-dir DIR] [--env FILE] [--feed-port N]

Prints this release: its commit (git rev-parse HEAD and git describe of this checkout; in an image
built without .git, ${COMMIT_ENV} if the build gave it; otherwise "unknown"), the store schema
version the feed writes and reads (schema_meta in the DuckDB store), and the event log schema
version the live loop writes and reads (state_version.json in its state dir). Each reads every
older version; the service that owns the data migrates it forward at its start.

Options:
  --data              also the versions the data on disk carries: the store (read-only; while a running
                      feed holds its lock, the version that feed reports on GET /health) and the live
                      loop's state dir; each says where its number came from
  --feed-port N       the running feed's port for that (default ${PORTS.live_connector}, on the bind host)
  --store PATH        the store (default STORE_PATH as the feed resolves it: env, else --env's file;
                      DuckDB only: with STORE_URL=postgres://... and no --store, exit 2)
  --state-dir DIR     the state dir (default LIVE_STATE_DIR, else data/live/)
  --env FILE          the feed's env file (default ${DEFAULT_ENV_FILE})
  --json              one JSON object instead of lines
  -h, --help          this help
Env:
  ${SCHEMA_CUT_ENV}=store=N[,state=M]  run as the release whose newest step is N (M): rehearsing a
                      rollback, and the rollback test
Exit: 0 (a report, whatever the data's versions), 2 usage.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      data: { type: "boolean" },
      json: { type: "boolean" },
      store: { type: "string" },
      "state-dir": { type: "string" },
      env: { type: "string" },
      "feed-port": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const env = (k: string) => Deno.env.get(k);
  const reg = registriesFromEnv(env);
  const commit = await releaseCommit(fileURLToPath(new URL("..", import.meta.url)), env(COMMIT_ENV));
  let data = null;
  if (v.data) {
    const storePath = v.store ?? duckDbOnly(
      loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), {}).store,
      "./tp version --data",
      "the feed reports that store's schema version on GET /health (store.schemaVersion)",
    );
    const d = await dataVersions({ storePath, stateDir: v["state-dir"] ?? liveStateDir(env) }, reg);
    const feedUrl = `http://${bindHost()}:${
      intFlag("feed-port", v["feed-port"], PORTS.live_connector, 1, 65535)
    }`;
    data = { store: await withFeedStoreVersion(d.store, feedUrl, latest(reg.store)), event_log: d.state };
  }
  const report = versionReport(commit, reg, data);
  if (v.json) console.log(JSON.stringify(report, null, 2));
  else for (const line of renderVersion(report)) console.log(line);
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("version", main));
