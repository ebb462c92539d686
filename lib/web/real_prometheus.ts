// A throwaway real Prometheus for tests and demos: own config and TSDB in a temp dir, a free loopback
// port (never a contract port), ready-waiting, and a clean stop that removes everything it made.
import { freePort } from "../http/free_port.ts";
import { startPrometheus as launch } from "../prom/launcher.ts";

export interface ScrapeJob {
  readonly job: string;
  /** host:port of the metrics endpoint. */
  readonly target: string;
  readonly metricsPath?: string;
}

export interface RunningPrometheus {
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export function prometheusConfig(jobs: readonly ScrapeJob[], scrapeIntervalS: number): string {
  const lines = [
    "global:",
    `  scrape_interval: ${scrapeIntervalS}s`,
    `  scrape_timeout: ${scrapeIntervalS}s`,
    `  evaluation_interval: ${scrapeIntervalS}s`,
    "scrape_configs:",
  ];
  for (const j of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(j.job)}`);
    lines.push(`    metrics_path: ${JSON.stringify(j.metricsPath ?? "/metrics")}`);
    lines.push(`    static_configs:`, `      - targets: [${JSON.stringify(j.target)}]`);
  }
  return lines.join("\n") + "\n";
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; then throws `what`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `prometheus` scraping `jobs` every `scrapeIntervalS` and resolves once /-/ready answers 200. */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  opts: { scrapeIntervalS?: number } = {},
): Promise<RunningPrometheus> {
  const dir = await Deno.makeTempDir({ prefix: "tickproof_web_prom_" });
  const configFile = `${dir}/prometheus.yml`;
  await Deno.writeTextFile(configFile, prometheusConfig(jobs, opts.scrapeIntervalS ?? 1));
  const prom = await launch({
    host: "127.0.0.1",
    port: freePort(),
    configFile,
    dataDir: `${dir}/data`,
    logFile: `${dir}/prometheus.log`,
    readyTimeoutMs: 20_000,
    extraArgs: ["--log.level=warn"],
  });
  return {
    url: prom.url,
    dir,
    stop: async () => {
      await prom.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Waits until the instant `query` returns a first sample satisfying `ok`; returns its value. */
export function waitForSample(
  prometheusUrl: string,
  query: string,
  ok: (value: number) => boolean,
  timeoutMs = 20_000,
): Promise<number> {
  return waitFor(`${query} in ${prometheusUrl}`, timeoutMs, async () => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = await res.json() as { data?: { result?: { value: [number, string] }[] } };
    const v = Number(body.data?.result?.[0]?.value[1]);
    return Number.isFinite(v) && ok(v) ? v : undefined;
  });
}
