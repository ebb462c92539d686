// Where the system's PostgreSQL programs are and who runs them. Debian keeps initdb, pg_ctl and postgres
// in /usr/lib/postgresql/<major>/bin, off PATH; initdb, pg_ctl and postgres refuse to run as root, so a
// root caller runs them as the `postgres` system user (the Debian package makes it) through runuser.
import { ToolMissingError } from "../util/errors.ts";

const DEBIAN_ROOT = "/usr/lib/postgresql";
const INSTALL_HINT = "PostgreSQL is not installed: run ./tp postgres (it installs it from the system " +
  "packages) or apt-get install postgresql";

/** The major versions among folder names under /usr/lib/postgresql ("15", "16"), newest first. Pure. */
export function majorsNewestFirst(names: readonly string[]): string[] {
  return names.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(b) - Number(a));
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    return st.isFile && st.mode !== null && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The folder holding initdb, pg_ctl, postgres and pg_isready: Debian's newest, else PATH's. */
export async function pgBinDir(): Promise<string> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(DEBIAN_ROOT)) if (e.isDirectory) names.push(e.name);
  } catch { /* not Debian's layout */ }
  for (const major of majorsNewestFirst(names)) {
    const dir = `${DEBIAN_ROOT}/${major}/bin`;
    if (await isExecutable(`${dir}/initdb`) && await isExecutable(`${dir}/postgres`)) return dir;
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await isExecutable(`${dir}/initdb`) && await isExecutable(`${dir}/postgres`)) return dir;
  }
  throw new ToolMissingError(INSTALL_HINT);
}

export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** `name`'s uid and gid from /etc/passwd's text, or null when it has no such user. Pure. */
export function passwdUser(passwd: string, name: string): SystemUser | null {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

/**
 * Who runs the server: the `postgres` system user when we are root (initdb refuses root), else null
 * (ourselves). Throws when root and the user is missing.
 */
export async function serverUser(): Promise<SystemUser | null> {
  if (Deno.uid() !== 0) return null;
  const passwd = await Deno.readTextFile("/etc/passwd").catch(() => "");
  const user = passwdUser(passwd, "postgres");
  if (user === null) {
    throw new ToolMissingError(
      `running as root, and there is no "postgres" system user to run PostgreSQL as (initdb refuses root): ` +
        "apt-get install postgresql makes it",
    );
  }
  return user;
}

/** The command line that runs `cmd args` as `user` (runuser), or as ourselves when user is null. Pure. */
export function asUser(
  user: SystemUser | null,
  cmd: string,
  args: readonly string[],
): { cmd: string; args: string[] } {
  return user === null
    ? { cmd, args: [...args] }
    : { cmd: "runuser", args: ["-u", user.name, "--", cmd, ...args] };
}
