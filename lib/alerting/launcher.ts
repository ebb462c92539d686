// Starts the real Alertmanager (system package `prometheus-alertmanager`) as a child process: one
// node (clustering off), its own storage folder, a checked config; stops it cleanly.
import { assertPortFree } from "../prom/launcher.ts";
import { findTool } from "../prom/tools.ts";
import { pollUntil } from "../verify/wait.ts";

export interface AmLaunchOptions {
  host: string;
  port: number;
  configFile: string;
  /** Silences and notification log live here (a throwaway folder). */
  storageDir: string;
  /** Alertmanager's own log (stderr) goes here. */
  logFile: string;
  readyTimeoutMs?: number;
}

export interface AmHandle {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, wait, SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startAlertmanager(opts: AmLaunchOptions): Promise<AmHandle> {
  const bin = await findTool("prometheus-alertmanager");
  assertPortFree(opts.host, opts.port, "alertmanager");
  await Deno.mkdir(opts.storageDir, { recursive: true });
  const url = `http://${opts.host}:${opts.port}`;
  const log = await Deno.open(opts.logFile, { create: true, append: true });
  const child = new Deno.Command(bin, {
    args: [
      `--config.file=${opts.configFile}`,
      `--storage.path=${opts.storageDir}`,
      `--web.listen-address=${opts.host}:${opts.port}`,
      // Empty: no gossip port, no peers. A single local node must not try to form a cluster.
      "--cluster.listen-address=",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const piping = child.stderr.pipeTo(log.writable).catch(() => {});
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => exited = s);
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
      await status;
      clearTimeout(timer);
      await piping;
    })();
    return stopped;
  };
  const ready = await pollUntil(
    async () => {
      if (exited) return false;
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        return res.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    opts.readyTimeoutMs ?? 20_000,
    100,
  );
  if (!ready) {
    const why = exited
      ? `exited with code ${(exited as Deno.CommandStatus).code}`
      : `not ready within ${opts.readyTimeoutMs ?? 20_000} ms`;
    await stop();
    throw new Error(`alertmanager at ${url} ${why}; see ${opts.logFile}`);
  }
  return { url, pid: child.pid, stop };
}
