#!/usr/bin/env -S deno run -A
// task postgres: a throwaway PostgreSQL on 127.0.0.1 for tests and demos, until Ctrl-C.
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { PG_HOST, PG_SUPERUSER, startPostgres } from "../lib/store/pg_server.ts";

const HELP = `Usage: ./tp postgres [options]

Starts a throwaway cluster of the system's PostgreSQL (Debian package postgresql; ./tp installs it when
missing) in a new folder under the system's temp folder: initdb, the server listening on ${PG_HOST}
only (its Unix socket inside that folder), ready once pg_isready says so. Prints the cluster's URL on
stdout, one line, for STORE_URL or any client:

  postgres://${PG_SUPERUSER}:<password>@${PG_HOST}:<port>/postgres

and runs until Ctrl-C / SIGTERM, then stops it (pg_ctl stop -m fast) and removes the folder with its
data. When run as root the cluster runs as the "postgres" system user (initdb refuses root).

Auth: one superuser, ${PG_SUPERUSER}, with a password generated for this run (scram-sha-256). The
password appears only inside the URL on stdout: never on stderr (*** there) nor in the server's log.

Options:
  --port N             listen port (default 0: a free one; a busy port is an error, never a fallback)
  --parent-dir DIR     make the throwaway folder under DIR (default: the system's temp folder)
  --ready-timeout-ms N how long to wait for pg_isready (default 30000)
  -h, --help           this help

Exit: 0 stopped cleanly, 1 PostgreSQL failed, 2 usage error, PostgreSQL missing or port busy.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      port: { type: "string" },
      "parent-dir": { type: "string" },
      "ready-timeout-ms": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const port = intFlag("port", v.port, 0, 0, 65535);
  const readyTimeoutMs = intFlag("ready-timeout-ms", v["ready-timeout-ms"], 30_000, 1000);
  const signal = shutdownSignal();
  const pg = await startPostgres({ port, parentDir: v["parent-dir"], readyTimeoutMs });
  try {
    console.log(pg.url);
    console.error(
      `postgres ready at ${pg.safeUrl} (pid ${pg.pid}; folder ${pg.dir}; log ${pg.logFile}); Ctrl-C stops it ` +
        "and removes the folder",
    );
    await untilAborted(signal);
  } finally {
    await pg.stop();
  }
  console.error("postgres stopped, folder removed");
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("postgres", main));
