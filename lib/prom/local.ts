// The local stack's Prometheus: generate config from config/, check it with promtool, start it.
import { join, resolve } from "node:path";
import { bindHost, PORTS } from "../config/ports.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { loadScrapeConfig, renderPromConfig, ruleFilesIn } from "./config.ts";
import { type PromHandle, startPrometheus } from "./launcher.ts";
import { promtoolCheckConfig } from "./tools.ts";

export interface LocalPromOptions {
  /** Folder for the generated config, the throwaway TSDB and the log. */
  workDir: string;
  host?: string;
  port?: number;
  /** job -> host:port overrides (tests run components on free ports). */
  targets?: Record<string, string>;
  /** host:port, or null for no Alertmanager. Default: the Port Contract's. */
  alertmanager?: string | null;
  scrapeConfigPath?: string;
  readyTimeoutMs?: number;
}

export interface LocalProm extends PromHandle {
  readonly configFile: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/** Writes `<workDir>/prometheus.yml` and checks it with promtool; returns its path. */
export async function writeCheckedConfig(opts: LocalPromOptions): Promise<string> {
  const scrape = await loadScrapeConfig(opts.scrapeConfigPath);
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

export async function startLocalPrometheus(opts: LocalPromOptions): Promise<LocalProm> {
  const configFile = await writeCheckedConfig(opts);
  const dataDir = resolve(join(opts.workDir, "tsdb"));
  const logFile = resolve(join(opts.workDir, "prometheus.log"));
  const handle = await startPrometheus({
    host: opts.host ?? bindHost(),
    port: opts.port ?? PORTS.prometheus,
    configFile,
    dataDir,
    logFile,
    readyTimeoutMs: opts.readyTimeoutMs,
  });
  return { ...handle, url: handle.url, pid: handle.pid, stop: handle.stop, configFile, dataDir, logFile };
}
