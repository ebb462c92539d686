// peak_trade_web's configuration in layers: defaults (Port Contract) -> env -> flags, resolved once
// into one frozen object. Pure: the caller passes env and flags in.
import { ConfigError } from "../util/errors.ts";
import { PORTS } from "../config/ports.ts";
import { type Interval, INTERVALS, VENUES } from "../market/types.ts";

export interface WebConfig {
  readonly host: string;
  readonly port: number;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  readonly feedUrl: string;
  /** The only folder evidence is served from. */
  readonly evidenceDir: string;
  readonly evidenceLimit: number;
  readonly timeoutMs: number;
  readonly venues: readonly string[];
  readonly symbols: readonly string[];
  readonly interval: Interval;
  /** PromQL for the divergence column, by symbol; `$interval` stands for the page's interval. */
  readonly divergenceQuery: string;
}

/** Layer input: every field optional, as strings (env and flags both arrive as text). */
export interface WebConfigInput {
  host?: string;
  port?: string;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  feedUrl?: string;
  evidenceDir?: string;
  evidenceLimit?: string;
  timeoutMs?: string;
  venues?: string;
  symbols?: string;
  interval?: string;
  divergenceQuery?: string;
}

/** The feed's cross-venue divergence: per symbol and interval, not per venue (it compares venues). */
export const DEFAULT_DIVERGENCE_QUERY = 'max by (symbol) (feed_divergence_bps{interval="$interval"})';

/** Env var per field (VENUES_ENABLED and SYMBOLS are the feed's own, so one env file drives both). */
export const WEB_ENV: Readonly<Record<keyof WebConfigInput, string>> = {
  host: "TICKPROOF_BIND_HOST",
  port: "WEB_PORT",
  prometheusUrl: "WEB_PROMETHEUS_URL",
  alertmanagerUrl: "WEB_ALERTMANAGER_URL",
  feedUrl: "WEB_FEED_URL",
  evidenceDir: "WEB_EVIDENCE_DIR",
  evidenceLimit: "WEB_EVIDENCE_LIMIT",
  timeoutMs: "WEB_TIMEOUT_MS",
  venues: "VENUES_ENABLED",
  symbols: "SYMBOLS",
  interval: "WEB_INTERVAL",
  divergenceQuery: "WEB_DIVERGENCE_QUERY",
};

export function defaultWebConfig(host: string): Required<WebConfigInput> {
  return {
    host,
    port: String(PORTS.peak_trade_web),
    prometheusUrl: `http://127.0.0.1:${PORTS.prometheus}`,
    alertmanagerUrl: `http://127.0.0.1:${PORTS.alertmanager}`,
    feedUrl: `http://127.0.0.1:${PORTS.live_connector}`,
    evidenceDir: ".local_tmp",
    evidenceLimit: "20",
    timeoutMs: "2000",
    venues: VENUES.join(","),
    symbols: "BTC-USDT,ETH-USDT",
    interval: "1m",
    divergenceQuery: DEFAULT_DIVERGENCE_QUERY,
  };
}

/** Later layers win where they set a non-empty value. */
export function resolveWebConfig(...layers: WebConfigInput[]): WebConfig {
  const m: Record<string, string> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined && v !== "") m[k] = v;
  }
  const interval = m.interval;
  if (!(interval in INTERVALS)) {
    throw new ConfigError(`interval must be one of ${Object.keys(INTERVALS).join(", ")}, got "${interval}"`);
  }
  return Object.freeze({
    host: m.host,
    port: whole("port", m.port, 0, 65535),
    prometheusUrl: httpUrl("prometheus-url", m.prometheusUrl),
    alertmanagerUrl: httpUrl("alertmanager-url", m.alertmanagerUrl),
    feedUrl: httpUrl("feed-url", m.feedUrl),
    evidenceDir: m.evidenceDir,
    evidenceLimit: whole("evidence-limit", m.evidenceLimit, 1, 500),
    timeoutMs: whole("timeout-ms", m.timeoutMs, 50, 60_000),
    venues: list("venues", m.venues, /^[a-z0-9_]{1,32}$/),
    symbols: list("symbols", m.symbols, /^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/),
    interval: interval as Interval,
    divergenceQuery: m.divergenceQuery,
  });
}

/** Picks the env layer out of an environment map. */
export function envLayer(env: Readonly<Record<string, string | undefined>>): WebConfigInput {
  const out: WebConfigInput = {};
  for (const [field, name] of Object.entries(WEB_ENV)) out[field as keyof WebConfigInput] = env[name];
  return out;
}

function whole(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function httpUrl(name: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, "");
}

function list(name: string, raw: string, pattern: RegExp): readonly string[] {
  const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = items.find((s) => !pattern.test(s));
  if (bad !== undefined) throw new ConfigError(`${name}: "${bad}" is not a valid entry`);
  return Object.freeze(items);
}
