#!/usr/bin/env -S deno run -A
// task prom: the real Prometheus for the local stack on 127.0.0.1:9092 with a throwaway TSDB.
import { join } from "node:path";
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { utcStamp } from "../lib/evidence/stamp.ts";
import { defaultTargets, loadScrapeConfig, type ScrapeConfig } from "../lib/prom/config.ts";
import { startPrometheus, writeCheckedConfig } from "../lib/prom/launcher.ts";

/** The help; its job list is the loaded scrape.json's, with the targets the generated config gets. */
const help = (scrape: ScrapeConfig) =>
  `Usage: ./tp prom [options]

Generates prometheus.yml from config/prometheus/scrape.json and config/ports.json (rules from
${scrape.rules_dir}/), checks it with promtool, starts the system's Prometheus on
127.0.0.1:${PORTS.prometheus} with a throwaway TSDB under .local_tmp/, waits for /-/ready, and runs until
Ctrl-C / SIGTERM, then stops it cleanly.

Scrape jobs (every job the generated config scrapes, and its target):
${Object.entries(defaultTargets(scrape.jobs)).map(([job, t]) => `  ${job.padEnd(20)} ${t}`).join("\n")}

Options:
  --port N             listen port (default ${PORTS.prometheus}; a busy port is an error, never a fallback)
  --work-dir DIR       config, TSDB and log folder (default .local_tmp/prometheus_<UTC stamp>)
  --keep-data          keep the TSDB after stopping (default: removed)
  --no-alertmanager    do not point Prometheus at Alertmanager (default: 127.0.0.1:${PORTS.alertmanager})
  --check-only         write and promtool-check the config, print its path, exit
  --ready-timeout-ms N how long to wait for /-/ready (default 30000)
  -h, --help           this help

Exit: 0 stopped cleanly, 1 Prometheus failed, 2 usage error, Prometheus missing or port busy.`;

async function main(args: string[]): Promise<number> {
  // Loaded once: the help's job list and the generated config come from the same object.
  const scrape = await loadScrapeConfig();
  const flags = parseFlags(args, {
    help: help(scrape),
    options: {
      port: { type: "string" },
      "work-dir": { type: "string" },
      "keep-data": { type: "boolean" },
      "no-alertmanager": { type: "boolean" },
      "check-only": { type: "boolean" },
      "ready-timeout-ms": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const port = intFlag("port", v.port, PORTS.prometheus, 1, 65535);
  const workDir = v["work-dir"] ?? join(".local_tmp", `prometheus_${utcStamp(Date.now())}`);
  const opts = {
    scrape,
    workDir,
    port,
    host: bindHost(),
    alertmanager: v["no-alertmanager"] ? null : undefined,
    readyTimeoutMs: intFlag("ready-timeout-ms", v["ready-timeout-ms"], 30_000, 1000),
    keepData: v["keep-data"],
  };
  if (v["check-only"]) {
    console.log(await writeCheckedConfig(opts));
    return EXIT.OK;
  }
  const signal = shutdownSignal();
  const prom = await startPrometheus(opts);
  console.error(
    `prometheus ready at ${prom.url} (pid ${prom.pid}; config ${prom.configFile}; log ${prom.logFile}); Ctrl-C stops it`,
  );
  await untilAborted(signal);
  await prom.stop();
  console.error("prometheus stopped");
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("prom", main));
