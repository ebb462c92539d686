// The one way to run a throwaway PostgreSQL (the system package): initdb into a new temp folder, the
// server on 127.0.0.1 only (its Unix socket inside that folder, never /var/run/postgresql), ready once
// pg_isready says so, stopped with `pg_ctl stop -m fast` and the folder removed. Used by ./tp postgres
// and by every test and proof that needs a real PostgreSQL.
//
// Auth: one superuser, `tickproof`, with a password made for this run (scram-sha-256 over TCP; peer on
// the socket). The password lives only in `url`: logs and lines for people use `safeUrl`. Not trust:
// on a shared machine any local user could otherwise connect to the loopback port as superuser.
import { join } from "node:path";
import { pollUntil, withDeadline } from "../async/poll.ts";
import { freePort } from "../http/free_port.ts";
import { assertPortFree } from "../prom/launcher.ts";
import { spawnChild } from "../proc/child.ts";
import { EnvironmentError } from "../util/errors.ts";
import { asUser, pgBinDir, serverUser, type SystemUser } from "./pg_bins.ts";
import { redactUrl } from "./store_url.ts";

export const PG_HOST = "127.0.0.1";
export const PG_SUPERUSER = "tickproof";
export const PG_DATABASE = "postgres";

export interface PgServerOptions {
  /** Listen port; 0 or absent takes a free one. A busy port is an error, never a fallback. */
  readonly port?: number;
  /** Where the throwaway folder is made (default: the system's temp folder). */
  readonly parentDir?: string;
  /** How long to wait for pg_isready (default 30000). */
  readonly readyTimeoutMs?: number;
}

export interface PgServer {
  /** postgres://tickproof:<password>@127.0.0.1:<port>/postgres: for clients, never for logs. */
  readonly url: string;
  /** The same URL with the password as ***: for logs. */
  readonly safeUrl: string;
  readonly port: number;
  /** The postmaster's pid (what kill -9 in a fault drill aims at). */
  readonly pid: number;
  /** The throwaway folder: data/, sock/ and postgres.log. Removed by stop(). */
  readonly dir: string;
  readonly logFile: string;
  /** pg_ctl stop -m fast, waits for the exit, removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

const dec = new TextDecoder();

async function runAs(user: SystemUser | null, cmd: string, args: string[]): Promise<Deno.CommandOutput> {
  const c = asUser(user, cmd, args);
  return await new Deno.Command(c.cmd, { args: c.args, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
}

/** The last lines of a text, for an error that must say why without a page of output. */
function tail(text: string, lines = 8): string {
  return text.trim().split("\n").slice(-lines).join(" | ");
}

async function ownedDir(path: string, user: SystemUser | null): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  if (!user) return;
  await Deno.chown(path, user.uid, user.gid);
  // Owning the folder is not enough: every folder above it must let the user through.
  if ((await runAs(user, "test", ["-w", path, "-a", "-x", path])).code !== 0) {
    throw new EnvironmentError(
      `the ${user.name} system user cannot reach ${path} (a folder above it is closed to other users): ` +
        "make the cluster under a folder it can reach, such as /tmp",
    );
  }
}

async function initCluster(bin: string, user: SystemUser | null, dir: string, password: string) {
  const pwfile = join(dir, "pwfile");
  await Deno.writeTextFile(pwfile, password + "\n", { mode: 0o600 });
  if (user) await Deno.chown(pwfile, user.uid, user.gid);
  try {
    const out = await runAs(user, `${bin}/initdb`, [
      "-D",
      join(dir, "data"),
      "-U",
      PG_SUPERUSER,
      `--pwfile=${pwfile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=peer",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync", // a throwaway cluster: nothing to lose if the machine dies while it is made
      "--no-instructions",
    ]);
    if (out.code !== 0) {
      throw new Error(
        `initdb failed (exit ${out.code}): ${tail(dec.decode(out.stderr) + dec.decode(out.stdout))}`,
      );
    }
  } finally {
    await Deno.remove(pwfile).catch(() => {});
  }
}

async function ready(bin: string, port: number): Promise<boolean> {
  const out = await new Deno.Command(`${bin}/pg_isready`, {
    args: ["-h", PG_HOST, "-p", String(port), "-d", PG_DATABASE, "-t", "1", "-q"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output();
  return out.code === 0;
}

/** 48 hex characters from the system's random source: safe in a URL as it is. */
function newPassword(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

export async function startPostgres(opts: PgServerOptions = {}): Promise<PgServer> {
  const bin = await pgBinDir();
  const user = await serverUser();
  const port = opts.port ? opts.port : freePort(PG_HOST);
  assertPortFree(PG_HOST, port, "postgres");
  const dir = await Deno.makeTempDir({ dir: opts.parentDir, prefix: "tickproof_pg_" });
  const remove = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  const data = join(dir, "data"), sock = join(dir, "sock"), logFile = join(dir, "postgres.log");
  const password = newPassword();
  try {
    await ownedDir(dir, user);
    await ownedDir(sock, user);
    await initCluster(bin, user, dir, password);
  } catch (err) {
    await remove();
    throw err;
  }
  const server = asUser(user, `${bin}/postgres`, [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    sock,
    "-c",
    `listen_addresses=${PG_HOST}`,
  ]);
  const child = await spawnChild({ name: "postgres", ...server, logFile });
  let exited = false;
  void child.exited.then(() => exited = true);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const ok = await pollUntil(
    async () => exited ? false : (await ready(bin, port)) || undefined,
    readyTimeoutMs,
    100,
  );
  if (ok !== true) {
    await child.stop(3000);
    const log = await Deno.readTextFile(logFile).catch(() => "");
    await remove();
    const why = exited ? "exited" : `was not ready within ${readyTimeoutMs} ms`;
    throw new Error(`postgres on ${PG_HOST}:${port} ${why}; its log ended: ${tail(log)}`);
  }
  const pid = Number((await Deno.readTextFile(join(data, "postmaster.pid"))).split("\n")[0]);
  const url = `postgres://${PG_SUPERUSER}:${password}@${PG_HOST}:${port}/${PG_DATABASE}`;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    stopping ??= (async () => {
      // Fast: roll back open transactions, disconnect clients, shut down cleanly (SIGINT to the postmaster).
      await runAs(user, `${bin}/pg_ctl`, ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]).catch(
        () => {},
      );
      await withDeadline("postgres to exit after pg_ctl stop", child.exited, 35_000).catch(() =>
        child.stop(5000)
      );
      await remove();
    })();
  return { url, safeUrl: redactUrl(url), port, pid, dir, logFile, stop };
}
