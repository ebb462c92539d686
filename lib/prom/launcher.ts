// Starts the real Prometheus (system package) as a child process and stops it cleanly.
import { PortBusyError } from "../http/serve.ts";
import { startDaemon } from "../proc/child.ts";
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
  const child = await startDaemon(
    {
      name: "prometheus",
      cmd: bin,
      args: [
        `--config.file=${opts.configFile}`,
        `--storage.tsdb.path=${opts.dataDir}`,
        `--web.listen-address=${opts.host}:${opts.port}`,
        `--web.external-url=${url}/`,
        "--storage.tsdb.retention.time=1d",
        ...(opts.extraArgs ?? []),
      ],
      logFile: opts.logFile,
    },
    `${url}/-/ready`,
    opts.readyTimeoutMs ?? 30_000,
  );
  return { url, pid: child.pid, stop: async () => void await child.stop() };
}
