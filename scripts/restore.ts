#!/usr/bin/env -S deno run -A
// task restore: verifies a backup by restoring it into scratch (--verify), or puts it back into place
// (--into-place) while the feed and the live loop are stopped.
import { resolve } from "node:path";
import { EXIT, intFlag, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { allProblems } from "../lib/backup/compare.ts";
import { describeBackup, describeChecks } from "../lib/backup/report.ts";
import { restoreIntoPlace } from "../lib/backup/restore.ts";
import { markVerified } from "../lib/backup/rotate.ts";
import { verifyBackup } from "../lib/backup/verify.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../lib/feed/load_config.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { liveStateDir } from "../lib/live/config.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";

const HELP = `Usage: ./tp restore --verify BACKUP [--scratch DIR]
       ./tp restore BACKUP --into-place [options]

--verify: restores BACKUP (a backup_<stamp>/ folder of ./tp backup) into a scratch folder and checks
it against its BACKUP_MANIFEST.json: every file's SHA-256 and size (a file changed, missing or added
is named), the store imported with IMPORT DATABASE and its row counts and query answers equal to
those recorded at backup time, the Parquet partitions read back, the loop's event log booted with the
loop's own boot code to the same OMS state (last record, book, classification). A backup counts only
once this passed; a passing one gets a VERIFIED file beside its manifest (./tp backup --keep never
deletes the newest verified backup). The scratch folder is a new temp folder, removed afterwards (--scratch DIR keeps it;
DIR must be new or empty).

--into-place: refuses (one line, exit 2) while the feed or the live loop runs: the store's DuckDB
lock held, or their ports answering. Otherwise verifies the backup as --verify does (a passing one
gets its VERIFIED file too), prepares each part beside its target, then renames them into place: the store (STORE_PATH), the partitions
(PARQUET_DIR) and the state dir (LIVE_STATE_DIR); what they replace is kept beside them as
<path>.pre_restore_<stamp>_<id> (the store's WAL too). A failed rename puts back the ones before it.
Configs are not overwritten (they are versioned with the code): compare with diff -r BACKUP/config config.

Options:
  --verify            verify into scratch (the default when --into-place is not given)
  --into-place        restore into the paths the feed and the loop use
  --scratch DIR       --verify: restore here and keep it
  --env FILE          the feed's env file for STORE_PATH and PARQUET_DIR (default ${DEFAULT_ENV_FILE})
  --state-dir DIR     the live loop's state dir (default LIVE_STATE_DIR, else data/live/)
  --feed-port N       the feed's port checked before --into-place (default ${PORTS.live_connector})
  --loop-port N       the live loop's port checked before --into-place (default ${PORTS.live_loop})
  -h, --help          this help

A backup whose data is at a schema version newer than this release reads is refused (exit 3): its
manifest names the release that made it. An older one is restored as it is; the feed and the loop
migrate it forward at their start (./tp migrate --help).

Exit: 0 verified (or restored), 1 the backup fails verification (nothing restored), 2 usage, or
services still running, 3 a backup of data newer than this release.`;

async function isEmptyOrNew(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return false;
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    throw err;
  }
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    allowPositionals: true,
    options: {
      verify: { type: "boolean" },
      "into-place": { type: "boolean" },
      scratch: { type: "string" },
      env: { type: "string" },
      "state-dir": { type: "string" },
      "feed-port": { type: "string" },
      "loop-port": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  if (flags.positionals.length !== 1) throw new UsageError("name one backup folder (see --help)");
  if (v.verify && v["into-place"]) throw new UsageError("--verify and --into-place exclude each other");
  const backup = flags.positionals[0];
  if (!(await Deno.stat(backup).catch(() => null))?.isDirectory) {
    throw new UsageError(`${backup}: no such backup folder`);
  }
  if (v["into-place"]) {
    const env = (k: string) => Deno.env.get(k);
    const config = loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), {});
    const feed = config.settings;
    const storePath = duckDbOnly(
      config.store,
      "./tp restore --into-place",
      "restore a DuckDB backup with STORE_URL unset, or PostgreSQL with its own tools",
    );
    const swapped = await restoreIntoPlace({
      backup,
      into: {
        storePath,
        parquetDir: feed.PARQUET_DIR,
        stateDir: v["state-dir"] ?? liveStateDir(env),
        configDir: "config",
      },
      probe: {
        host: bindHost(),
        feedPort: intFlag("feed-port", v["feed-port"], PORTS.live_connector, 1, 65535),
        loopPort: intFlag("loop-port", v["loop-port"], PORTS.live_loop, 1, 65535),
      },
      say: (line) => console.log(line),
      registries: registriesFromEnv(env),
    });
    for (const s of swapped) {
      console.log(
        `restored ${s.part}: ${s.path}${s.previous ? ` (the one it replaced: ${s.previous})` : ""}`,
      );
    }
    console.log(`configs not overwritten: diff -r ${resolve(backup, "config")} config`);
    return EXIT.OK;
  }
  const keep = v.scratch !== undefined;
  if (keep && !await isEmptyOrNew(v.scratch!)) throw new UsageError(`--scratch ${v.scratch} is not empty`);
  const scratch = v.scratch ?? await Deno.makeTempDir({ prefix: "tp_restore_verify_" });
  try {
    const r = await verifyBackup(backup, scratch, registriesFromEnv((k) => Deno.env.get(k)));
    if (r.manifest) { for (const line of describeBackup(backup, r.manifest)) console.log(line); }
    for (const line of describeChecks(r.problems)) console.log(line);
    if (keep) console.log(`scratch: ${scratch}`);
    if (!r.ok) {
      console.error(`restore: ${backup} FAILS verification: ${allProblems(r.problems)[0]}`);
      return EXIT.FAIL;
    }
    console.log(`verified: ${backup} restores to the state recorded at backup time`);
    // Rotation keeps the newest verified backup; a read-only copy (off the host) just stays unmarked.
    await markVerified(backup, Date.now()).catch((err) =>
      console.error(`restore: could not mark ${backup} verified: ${err instanceof Error ? err.message : err}`)
    );
    return EXIT.OK;
  } finally {
    if (!keep) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await run("restore", main));
