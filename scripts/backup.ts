#!/usr/bin/env -S deno run -A
// task backup: a consistent copy of the feed's store, its Parquet partitions, the live loop's state dir
// and the configs, while the services run; --drill also restores it into scratch and verifies it.
import { EXIT, intFlag, parseFlags, run, verdictExit } from "../lib/cli/main.ts";
import { makeBackup } from "../lib/backup/make.ts";
import { describeBackup } from "../lib/backup/report.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../lib/feed/load_config.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { liveStateDir } from "../lib/live/config.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";
import { textfileDir } from "../lib/prom/textfile.ts";
import { BACKUP_PROM_FILE, runBackupDrill } from "../lib/verify/backup_drill.ts";

const DEFAULT_TARGET = "data/backups";

const HELP = `Usage: ./tp backup [--target DIR] [--keep N] [options]
       ./tp backup --drill [--target DIR] [--keep N] [options]

A consistent copy, while the services run, of:
  store/       the feed's DuckDB store (STORE_PATH) as EXPORT DATABASE writes it (IMPORT DATABASE
               reads it back). DuckDB lets one process open the file for writing and then no other
               process at all, so the copy is made by whoever may read it: a running feed is asked
               through its spool folder <STORE_PATH>.backup_spool/ and exports between two of its
               writes; a stopped feed's store is opened here, read-only. Never a file copy.
  parquet/     the Parquet partitions (PARQUET_DIR), copied in the same moment as the export
  live_state/  the live loop's state dir (LIVE_STATE_DIR): snapshots and other atomically replaced
               files first, then each run's event log up to its last whole record, its hash chain
               verified, and the copy booted with the loop's boot code
  config/      the configs
and BACKUP_MANIFEST.json, written last: every file's SHA-256 and size, the store's row counts and
the answers of fixed queries at the moment of the copy (per venue/symbol/interval: bars, first and
last open time, trades, non-null features; origins; a SHA-256 of each stream's newest 1000 bars),
the event log's records and last hash, the OMS state its replay gives, the tickproof commit.
Built in <target>/.staging/ and renamed into <target>/backup_<UTC stamp>/ only when complete; then
--keep N deletes the oldest complete backups beyond N, never the one just made nor the newest verified
one (VERIFIED, written by ./tp restore --verify and the drill). Check one with ./tp restore --verify DIR.

--drill: the backup, then a restore of it into a scratch folder, verified as ./tp restore --verify
does; writes .local_tmp/backup_drill_<stamp>/ (BACKUP_DRILL_SUMMARY.txt, verdict= last; the backup's
manifest and what the restore found, so ./tp evidence check re-judges it) and ${BACKUP_PROM_FILE} in the
textfile dir (backup_drill_last_run_timestamp_seconds, backup_drill_last_success_timestamp_seconds;
0 until a drill passed). --keep rotates only once the restore verified. With no store, no state dir and
no Parquet dir yet (a fresh checkout) it first makes them with a short simulator + feed + live loop run
on free ports, and says so, for the simulator profile only (FEED_PROFILE=sim; with the venues' profile
it is refused: start the feed first); a missing store beside an existing state dir or Parquet dir (a lost
store, a wrong STORE_PATH) is refused with exit 2, nothing written. A PostgreSQL store (STORE_URL=postgres://)
is not backed up here: one line, exit 2 (use PostgreSQL's own tools).

Options:
  --target DIR        where backups go (default ${DEFAULT_TARGET})
  --keep N            keep the newest N complete backups (default: keep all)
  --env FILE          the feed's env file for STORE_PATH and PARQUET_DIR (default ${DEFAULT_ENV_FILE};
                      process env overrides it, as for the feed)
  --state-dir DIR     the live loop's state dir (default LIVE_STATE_DIR, else data/live/)
  --config-dir DIR    the configs (default config)
  --timeout-s N       how long a running feed may take to export (default 300)
  --out-root DIR      --drill: where the evidence folder goes (default .local_tmp)
  --textfile-dir DIR  --drill: where ${BACKUP_PROM_FILE} goes (default TICKPROOF_TEXTFILE_DIR, else data/textfile/)
  -h, --help          this help

The manifest records the schema versions of the store and the state dir copied (./tp version); data
newer than this release reads is refused (exit 3): back it up with the release that wrote it.

Exit: 0 backup complete (--drill: PASS), 1 failed (--drill: FAIL; nothing half-made is left under
the target), 2 usage, no store (--drill: a missing store beside existing data), a feed that did not answer in time, 3 data newer than this release.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      target: { type: "string" },
      keep: { type: "string" },
      drill: { type: "boolean" },
      env: { type: "string" },
      "state-dir": { type: "string" },
      "config-dir": { type: "string" },
      "timeout-s": { type: "string" },
      "out-root": { type: "string" },
      "textfile-dir": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const keep = v.keep === undefined ? undefined : intFlag("keep", v.keep, 1, 1, 100_000);
  const timeoutMs = intFlag("timeout-s", v["timeout-s"], 300, 1, 86_400) * 1000;
  const env = (k: string) => Deno.env.get(k);
  const config = loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), {});
  const feed = config.settings;
  const storePath = duckDbOnly(
    config.store,
    "./tp backup",
    "back it up with PostgreSQL's own tools (pg_dump, or the server's base backups)",
  );
  const options = {
    storePath,
    parquetDir: feed.PARQUET_DIR,
    stateDir: v["state-dir"] ?? liveStateDir(env),
    configDir: v["config-dir"] ?? "config",
    target: v.target ?? DEFAULT_TARGET,
    keep,
    timeoutMs,
    say: (line: string) => console.log(line),
    registries: registriesFromEnv(env),
  };
  if (v.drill) {
    const res = await runBackupDrill({
      backup: options,
      textfileDir: v["textfile-dir"] ?? textfileDir(env),
      feedProfile: feed.FEED_PROFILE,
      evidenceRoot: v["out-root"],
      command: "backup",
      args,
    });
    console.log(res.summaryText.trimEnd());
    console.log(`evidence: ${res.dir}`);
    console.log(`metrics: ${res.promFile}`);
    return verdictExit(res.verdict);
  }
  const res = await makeBackup(options);
  for (const line of describeBackup(res.dir, res.manifest)) console.log(line);
  if (keep !== undefined) {
    console.log(`rotation: keep ${keep}; deleted ${res.deleted.length ? res.deleted.join(", ") : "none"}`);
  }
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("backup", main));
