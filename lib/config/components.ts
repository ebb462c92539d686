// The stack's components, one row each: the canonical name (the Port Contract key, which is also the
// Prometheus job name where the component is scraped), the short name it goes by elsewhere (compose
// service, `./tp verify` lines, log files), its deno.json task and entry point, its health path.
// Ports stay in config/ports.json; lib/config/components_test.ts holds this table to it, deno.json,
// config/prometheus/scrape.json and the compose file so they cannot drift.
import { type Component, PORTS } from "./ports.ts";

/** Prometheus job names (contracts): the components Prometheus scrapes. */
export const JOBS = [
  "ai_live",
  "peak_trade_web",
  "shadow_mvs",
  "live_connector",
  "live_loop",
  "store_writer",
  "node",
] as const;
export type Job = typeof JOBS[number];

export interface ComponentInfo {
  /** Port Contract key; the Prometheus job name when `scraped`. */
  readonly name: Component;
  /** Short name: compose service, `./tp verify` lines, log file names. */
  readonly service: string;
  /** deno.json task that runs `entry`. */
  readonly task: string;
  readonly entry: string;
  /** Path answering 2xx when healthy. */
  readonly healthPath: string;
  /** Scraped by Prometheus as job `name`. */
  readonly scraped: boolean;
  readonly port: number;
}

const row = (name: Component, service: string, task: string, script: string, healthPath: string) =>
  Object.freeze({
    name,
    service,
    task,
    entry: `scripts/${script}.ts`,
    healthPath,
    scraped: (JOBS as readonly string[]).includes(name),
    port: PORTS[name],
  });

export const COMPONENTS: Readonly<Record<Component, ComponentInfo>> = Object.freeze({
  venue_sim: row("venue_sim", "venue-sim", "venue-sim", "venue_sim", "/sim/health"),
  live_connector: row("live_connector", "feed", "feed", "feed", "/health"),
  shadow_mvs: row("shadow_mvs", "shadow", "shadow", "shadow", "/health"),
  ai_live: row("ai_live", "exporter", "exporter", "exporter", "/health"),
  peak_trade_web: row("peak_trade_web", "web", "web", "web", "/health"),
  prometheus: row("prometheus", "prometheus", "prom", "prom", "/-/ready"),
  alertmanager: row("alertmanager", "alertmanager", "alertmanager", "alertmanager", "/-/ready"),
  live_loop: row("live_loop", "live", "live", "live", "/health"),
  // The bus -> PostgreSQL store writer (issue 14): its position lives in the store, not here.
  store_writer: row("store_writer", "store-writer", "store-writer", "store_writer", "/health"),
  // The system package prometheus-node-exporter (host CPU, memory, disks; the textfile collector).
  node: row("node", "node-exporter", "node-exporter", "node_exporter", "/metrics"),
});
