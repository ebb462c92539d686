// Starts the real node-exporter (system package `prometheus-node-exporter`) as a child process: only
// the collectors the on-call checks and the System Health dashboard read (CPU, memory, filesystems,
// load, and the textfile collector that exposes what one-shot commands leave in the textfile folder:
// drift.prom, backtest.prom, backup.prom), bound to one address, stopped cleanly.
import { resolve } from "node:path";
import { startDaemon } from "../proc/child.ts";
import { assertPortFree } from "./launcher.ts";
import { findTool } from "./tools.ts";

export const NODE_EXPORTER_BIN = "prometheus-node-exporter";

/** Collectors kept on; every other default collector is off (a scrape stays a few milliseconds). */
export const NODE_COLLECTORS = ["cpu", "meminfo", "filesystem", "loadavg", "textfile"] as const;

export interface NodeExporterOptions {
  host: string;
  port: number;
  /** The textfile collector's folder (made when missing): TICKPROOF_TEXTFILE_DIR's. */
  textfileDir: string;
  /** node-exporter's own log (stderr). */
  logFile: string;
  readyTimeoutMs?: number;
}

export interface NodeExporterHandle {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, wait, SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

/** The command line: listen address, the collector set, the textfile folder (absolute). Pure. */
export function nodeExporterArgs(o: Pick<NodeExporterOptions, "host" | "port" | "textfileDir">): string[] {
  return [
    `--web.listen-address=${o.host}:${o.port}`,
    "--collector.disable-defaults",
    ...NODE_COLLECTORS.map((c) => `--collector.${c}`),
    `--collector.textfile.directory=${resolve(o.textfileDir)}`,
  ];
}

export async function startNodeExporter(opts: NodeExporterOptions): Promise<NodeExporterHandle> {
  const bin = await findTool(NODE_EXPORTER_BIN);
  assertPortFree(opts.host, opts.port, "node");
  // A missing folder is a scrape error on every scrape (node_textfile_scrape_error 1), not an empty one.
  await Deno.mkdir(opts.textfileDir, { recursive: true });
  const url = `http://${opts.host}:${opts.port}`;
  const child = await startDaemon(
    { name: "node-exporter", cmd: bin, args: nodeExporterArgs(opts), logFile: opts.logFile },
    `${url}/metrics`,
    opts.readyTimeoutMs ?? 20_000,
  );
  return { url, pid: child.pid, stop: async () => void await child.stop() };
}
