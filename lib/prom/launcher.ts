// The one way to run the real Prometheus (system package): writes prometheus.yml from the one
// renderer, checks it with promtool, starts Prometheus on a throwaway TSDB, waits for /-/ready, and
// stops it cleanly. Used by `./tp prom`, `./tp verify` and every test stack.
import { join, resolve } from "node:path";
import { bindHost, PORTS } from "../config/ports.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { freePort } from "../http/free_port.ts";
import { PortBusyError } from "../http/serve.ts";
import { startDaemon } from "../proc/child.ts";
import { loadScrapeConfig, renderPromConfig, ruleFilesIn, type ScrapeConfig } from "./config.ts";
import { findTool, promtoolCheckConfig } from "./tools.ts";

export interface PromOptions {
  /** Folder for the generated config, the throwaway TSDB and the log. */
  workDir: string;
  /** Default: the bind host (TICKPROOF_BIND_HOST or the Port Contract's). */
  host?: string;
  /** Default: the Port Contract's; 0 takes a free port. A busy port is an error, never a fallback. */
  port?: number;
  /** Jobs, intervals and rules folder; default config/prometheus/scrape.json. */
  scrape?: ScrapeConfig;
  /** job -> host:port overrides (tests run components on free ports). */
  targets?: Record<string, string>;
  /** host:port, or null for no Alertmanager. Default: the Port Contract's. */
  alertmanager?: string | null;
  readyTimeoutMs?: number;
  /** Keep the TSDB after stop (default: removed). */
  keepData?: boolean;
}

export interface PromHandle {
  readonly url: string;
  readonly pid: number;
  readonly configFile: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** SIGTERM, wait, SIGKILL after a grace period; removes the TSDB unless kept. Safe to call twice. */
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

/** Writes `<workDir>/prometheus.yml` and checks it with promtool; returns its absolute path. */
export async function writeCheckedConfig(opts: PromOptions): Promise<string> {
  const scrape = opts.scrape ?? await loadScrapeConfig();
  const yml = renderPromConfig({
    scrape,
    targets: opts.targets,
    ruleFiles: await ruleFilesIn(scrape.rules_dir),
    alertmanager: opts.alertmanager === undefined ? `${bindHost()}:${PORTS.alertmanager}` : opts.alertmanager,
  });
  const configFile = resolve(join(opts.workDir, "prometheus.yml"));
  await writeFileAtomic(configFile, yml);
  await promtoolCheckConfig(configFile);
  return configFile;
}

export async function startPrometheus(opts: PromOptions): Promise<PromHandle> {
  const configFile = await writeCheckedConfig(opts);
  const bin = await findTool("prometheus");
  const host = opts.host ?? bindHost();
  const port = opts.port === 0 ? freePort(host) : opts.port ?? PORTS.prometheus;
  assertPortFree(host, port, "prometheus");
  const dataDir = resolve(join(opts.workDir, "tsdb"));
  const logFile = resolve(join(opts.workDir, "prometheus.log"));
  await Deno.mkdir(dataDir, { recursive: true });
  const url = `http://${host}:${port}`;
  const child = await startDaemon(
    {
      name: "prometheus",
      cmd: bin,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=${host}:${port}`,
        `--web.external-url=${url}/`,
        "--storage.tsdb.retention.time=1d",
      ],
      logFile,
    },
    `${url}/-/ready`,
    opts.readyTimeoutMs ?? 30_000,
  );
  let stopping: Promise<void> | null = null;
  const stop = () =>
    stopping ??= (async () => {
      await child.stop();
      if (!opts.keepData) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    })();
  return { url, pid: child.pid, configFile, dataDir, logFile, stop };
}
