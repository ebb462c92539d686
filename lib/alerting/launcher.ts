// Starts the real Alertmanager (system package `prometheus-alertmanager`) as a child process: one
// node (clustering off), its own storage folder, a checked config; stops it cleanly.
import { assertPortFree } from "../prom/launcher.ts";
import { findTool } from "../prom/tools.ts";
import { startDaemon } from "../proc/child.ts";

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
  const child = await startDaemon(
    {
      name: "alertmanager",
      cmd: bin,
      args: [
        `--config.file=${opts.configFile}`,
        `--storage.path=${opts.storageDir}`,
        `--web.listen-address=${opts.host}:${opts.port}`,
        // Empty: no gossip port, no peers. A single local node must not try to form a cluster.
        "--cluster.listen-address=",
      ],
      logFile: opts.logFile,
    },
    `${url}/-/ready`,
    opts.readyTimeoutMs ?? 20_000,
  );
  return { url, pid: child.pid, stop: async () => void await child.stop() };
}
