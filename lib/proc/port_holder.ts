// Who listens on a TCP port: pid and command line from /proc (Linux), so a proof that finds its port
// taken can name the holder instead of just "something else". Elsewhere, or when /proc hides the
// process (another user's), it says so and points at `ss`.

export interface PortHolder {
  pid: number | null;
  /** Command line, or why it is unknown. */
  command: string;
}

/** Socket inodes listening (state 0A) on `port` in a /proc/net/tcp{,6} table. Pure. */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const out: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    if (f[1].endsWith(`:${hexPort}`) && f[3] === "0A") out.push(f[9]);
  }
  return out;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback;
  }
}

export async function portHolder(port: number): Promise<PortHolder> {
  const tables = (await readOr("/proc/net/tcp", "")) + "\n" + (await readOr("/proc/net/tcp6", ""));
  const inodes = new Set(listeningInodes(tables, port).map((i) => `socket:[${i}]`));
  const unknown = { pid: null, command: `unknown (see ss -ltnp 'sport = :${port}')` };
  if (inodes.size === 0) return unknown;
  try {
    for await (const proc of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(proc.name)) continue;
      try {
        for await (const fd of Deno.readDir(`/proc/${proc.name}/fd`)) {
          const target = await Deno.readLink(`/proc/${proc.name}/fd/${fd.name}`).catch(() => "");
          if (!inodes.has(target)) continue;
          const cmd = (await readOr(`/proc/${proc.name}/cmdline`, "")).split("\0").filter(Boolean).join(" ");
          return { pid: Number(proc.name), command: cmd || "(no command line)" };
        }
      } catch { /* not ours to read, or gone */ }
    }
  } catch { /* no /proc */ }
  return unknown;
}

export function describeHolder(h: PortHolder): string {
  return h.pid === null ? h.command : `pid ${h.pid} (${h.command.slice(0, 160)})`;
}
