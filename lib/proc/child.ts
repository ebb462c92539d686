// Child processes (the stack's components, Prometheus, Alertmanager): started with their output in
// a log file, probed until healthy, stopped with SIGTERM (SIGKILL after a grace period).
import { pollUntil } from "../async/poll.ts";
import { sleep } from "../async/sleep.ts";

export interface ChildSpec {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  logFile: string;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<Deno.CommandStatus>;
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

export async function spawnChild(spec: ChildSpec): Promise<Child> {
  const log = await Deno.open(spec.logFile, { create: true, append: true });
  const proc = new Deno.Command(spec.cmd, {
    args: spec.args,
    env: spec.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Both streams into one log, chunk by chunk through one queue, so each chunk lands whole and at once
  // (FsFile.writable held the bytes until close: an operator tailing a running child's log saw nothing).
  let queue = Promise.resolve();
  let writeFailed = false;
  const append = (chunk: Uint8Array) =>
    queue = queue.then(async () => {
      if (writeFailed) return;
      for (let off = 0; off < chunk.length;) off += await log.write(chunk.subarray(off));
    }).catch((e) => {
      // Keep reading the child's pipes (a full pipe would stall it); say once that its log lost output.
      if (!writeFailed) {
        console.error(`${spec.name}: writing ${spec.logFile} failed, its output is dropped: ${e}`);
      }
      writeFailed = true;
    });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) await append(chunk);
  };
  const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]).catch(() => {}).finally(() => {
    try {
      log.close();
    } catch { /* already closed */ }
  });
  const exited = proc.status.then(async (s) => {
    await pumps;
    return s;
  });
  let stopping: Promise<Deno.CommandStatus> | null = null;
  return {
    name: spec.name,
    pid: proc.pid,
    exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        try {
          proc.kill("SIGTERM");
        } catch { /* already exited */ }
        const timer = setTimeout(() => {
          try {
            proc.kill("SIGKILL");
          } catch { /* already exited */ }
        }, graceMs);
        const s = await exited;
        clearTimeout(timer);
        return s;
      })();
      return stopping;
    },
  };
}

/** True when an HTTP GET of the URL answers 2xx within a second. */
export async function probe(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections on host:port. */
export async function portTaken(host: string, port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: host, port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls `url` until it answers 2xx (true), the child exits (false) or the timeout passes (false).
 */
export async function waitHealthy(url: string, child: Child, timeoutMs: number): Promise<boolean> {
  let exited = false;
  void child.exited.then(() => exited = true);
  // Defined (ends the poll) once healthy (true) or exited (false); undefined keeps polling.
  const ok = await pollUntil(async () => exited ? false : (await probe(url)) || undefined, timeoutMs, 100);
  return ok === true;
}

/** Starts a daemon and waits for its readiness URL; on failure it is stopped and the error names the log. */
export async function startDaemon(
  spec: ChildSpec,
  readyUrl: string,
  readyTimeoutMs: number,
): Promise<Child> {
  const child = await spawnChild(spec);
  if (await waitHealthy(readyUrl, child, readyTimeoutMs)) return child;
  const status = await Promise.race([child.exited, sleep(50).then(() => null)]);
  await child.stop(3000);
  const why = status ? `exited with code ${status.code}` : `was not ready within ${readyTimeoutMs} ms`;
  throw new Error(`${spec.name} (${readyUrl}) ${why}; see ${spec.logFile}`);
}
