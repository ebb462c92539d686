// A real Prometheus + Alertmanager pair on free loopback ports, wired together, scraping the given
// targets with the given rules: the alerting path end to end, for tests and chaos checks.
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../lib/fs/atomic.ts";
import type { ScrapeConfig } from "../lib/prom/config.ts";
import { type PromHandle, startPrometheus } from "../lib/prom/launcher.ts";
import {
  AM_CONFIG_PATH,
  type AmRenderOptions,
  amtoolCheckConfig,
  renderAlertmanagerConfig,
} from "../lib/alerting/am_config.ts";
import { type AmHandle, startAlertmanager } from "../lib/alerting/launcher.ts";
import { freePort } from "../lib/http/free_port.ts";

export interface AlertStackOptions {
  /** Configs, storage and logs go here (a temp folder). */
  workDir: string;
  /** job -> host:port of what Prometheus scrapes. */
  targets: Record<string, string>;
  /** Rule folder, e.g. config/prometheus/rules_demo (short `for:`). */
  rulesDir: string;
  /** Scrape and evaluation interval, e.g. "1s". */
  interval: string;
  /** Passed to renderAlertmanagerConfig (webhook, shorter grouping). */
  am?: AmRenderOptions;
  /** Start without Alertmanager (Prometheus alerting section left out). */
  noAlertmanager?: boolean;
  host?: string;
}

export interface AlertStack {
  readonly prom: PromHandle;
  readonly am: AmHandle | null;
  stop(): Promise<void>;
}

export async function startAlertStack(opts: AlertStackOptions): Promise<AlertStack> {
  const host = opts.host ?? "127.0.0.1";
  const workDir = resolve(opts.workDir);
  let am: AmHandle | null = null;
  if (!opts.noAlertmanager) {
    const amConfig = join(workDir, "alertmanager.yml");
    await writeFileAtomic(
      amConfig,
      renderAlertmanagerConfig(await Deno.readTextFile(AM_CONFIG_PATH), opts.am),
    );
    await amtoolCheckConfig(amConfig);
    am = await startAlertmanager({
      host,
      port: freePort(host),
      configFile: amConfig,
      storageDir: join(workDir, "am_data"),
      logFile: join(workDir, "alertmanager.log"),
    });
  }
  try {
    const scrape: ScrapeConfig = {
      scrape_interval: opts.interval,
      scrape_timeout: opts.interval,
      evaluation_interval: opts.interval,
      jobs: Object.keys(opts.targets) as ScrapeConfig["jobs"],
      rules_dir: opts.rulesDir,
    };
    const prom = await startPrometheus({
      workDir,
      host,
      port: 0,
      scrape,
      targets: opts.targets,
      alertmanager: am ? new URL(am.url).host : null,
      keepData: true, // workDir is the caller's: it removes it (and may look inside first)
    });
    return {
      prom,
      am,
      async stop() {
        await prom.stop();
        await am?.stop();
      },
    };
  } catch (err) {
    await am?.stop();
    throw err;
  }
}
