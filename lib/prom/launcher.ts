// Starts the real Prometheus (system package) as a child process and stops it cleanly.
import { PortBusyError } from "../http/serve.ts";
import { findTool } from "./tools.ts";

export interface PromLaunchOptions {
  host: string;
  port: number;
  configFile: string;
  dataDir: string;
  /** Prometheus's own log (stderr) goes here. */
  logFile: string;
  readyTimeoutMs?: number;
  /** Extra flags, e.g. a short retention. */
  extraArgs?: string[];
}

export interface PromHandle {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, wait, SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

/** Fails fast with the Port Contract's message when something already listens there. */
export function assertPortFree(host: string, port: number, name: string): void {
  try {
    Deno.listen({ hostname: host, port }).close();
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new PortBusyError(
        `port ${port} (${name}) on ${host} is already in use; see who holds it: ss -ltnp 'sport = :${port}'`,
      );
    }
    throw err;
  }
}

export async function startPrometheus(opts: PromLaunchOptions): Promise<PromHandle> {
  const bin = await findTool("prometheus");
  assertPortFree(opts.host, opts.port, "prometheus");
  await Deno.mkdir(opts.dataDir, { recursive: true });
  const url = `http://${opts.host}:${opts.port}`;
  const log = await Deno.open(opts.logFile, { create: true, append: true });
  const child = new Deno.Command(bin, {
    args: [
      `--config.file=${opts.configFile}`,
      `--storage.tsdb.path=${opts.dataDir}`,
      `--web.listen-address=${opts.host}:${opts.port}`,
      `--web.external-url=${url}/`,
      "--storage.tsdb.retention.time=1d",
      ...(opts.extraArgs ?? []),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const piping = child.stderr.pipeTo(log.writable).catch(() => {});
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 10_000);
      await child.status;
      clearTimeout(timer);
      await piping;
    })();
    return stopped;
  };
  try {
    await waitReady(url, opts.readyTimeoutMs ?? 30_000, child.status);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid, stop };
}

/** Polls /-/ready until 200; fails early when the process exits. */
export async function waitReady(
  url: string,
  timeoutMs: number,
  exited?: Promise<Deno.CommandStatus>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: Deno.CommandStatus | null = null;
  void exited?.then((s) => dead = s);
  while (Date.now() < deadline) {
    if (dead) {
      throw new Error(`prometheus exited with code ${(dead as Deno.CommandStatus).code} before it was ready`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus at ${url} was not ready within ${timeoutMs} ms`);
}
