// shadow_mvs configuration in layers, resolved once into one frozen object:
// defaults -> config file (config/strategy/*.json) -> env (PEAK_TRADE_AI_*) -> flags.
import { z } from "zod";
import { ConfigError } from "../util/errors.ts";
import { bindHost, PORTS } from "../config/ports.ts";
import { type Interval, INTERVALS, VENUES } from "../market/types.ts";
import { isId } from "../events/ai_event.ts";
import type { RefStratParams } from "../strategy/refstrat_01.ts";
import type { SeriesKey } from "./feed_schema.ts";
import { BUS_KEYS, type BusConfig, resolveBusConfig } from "../bus/bus_config.ts";

const Id = z.string().refine(isId, "must be 1-64 characters of [A-Za-z0-9._:-]");

export const StrategyFileSchema = z.strictObject({
  $comment: z.string().optional(),
  strategy: z.literal("refstrat_01"),
  venue: z.enum(VENUES),
  symbol: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, "must look like BASE-QUOTE, e.g. BTC-USDT"),
  interval: z.enum(Object.keys(INTERVALS) as [Interval, ...Interval[]]),
  stop_atr_k: z.number().positive().finite(),
  fee_bps: z.number().nonnegative().max(1000),
  size: z.number().positive().finite(),
  run_id: Id,
  warmup_bars: z.number().int().min(0).max(10_000),
  heartbeat_every_s: z.number().positive().max(3600),
  feed_stale_after_s: z.number().positive().max(86_400),
  backoff_base_ms: z.number().int().positive(),
  backoff_max_ms: z.number().int().positive(),
  /** Optional: defaults to the live_connector port of config/ports.json (ports live only there). */
  feed_url: z.url().optional(),
});
export type StrategyFile = z.infer<typeof StrategyFileSchema>;

export const DEFAULT_CONFIG_PATH = "config/strategy/refstrat_01.json";
export const DEFAULT_EVENTS_PATH = "logs/ai/ai_events.jsonl";

export interface ShadowConfig {
  readonly configPath: string;
  readonly series: SeriesKey;
  readonly params: RefStratParams;
  readonly runId: string;
  readonly eventsPath: string;
  readonly feedUrl: string;
  /** The market bus (env BUS_*): url null = bars over the feed's SSE stream, as without a bus. */
  readonly bus: BusConfig;
  readonly warmupBars: number;
  readonly heartbeatEveryMs: number;
  readonly staleAfterMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly hostname: string;
  readonly port: number;
}

export interface ConfigOverrides {
  readonly events?: string;
  readonly feedUrl?: string;
  readonly port?: number;
  readonly runId?: string;
}

/** Checks a parsed config file; ConfigError naming the file and the first bad field. */
export function parseStrategyFile(raw: unknown, path: string): StrategyFile {
  const r = StrategyFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`${path}: field "${i.path.map(String).join(".") || "(root)"}" ${i.message}`);
  }
  if (r.data.backoff_max_ms < r.data.backoff_base_ms) {
    throw new ConfigError(`${path}: backoff_max_ms must be >= backoff_base_ms`);
  }
  return r.data;
}

/** Resolves the layers; `env` is injected (Deno.env.get in main). */
export function resolveConfig(
  path: string,
  file: StrategyFile,
  env: (name: string) => string | undefined,
  flags: ConfigOverrides,
): ShadowConfig {
  const runId = flags.runId ?? env("PEAK_TRADE_AI_RUN_ID") ?? file.run_id;
  if (!isId(runId)) throw new ConfigError(`run id "${runId}" must be 1-64 characters of [A-Za-z0-9._:-]`);
  const feedUrl = flags.feedUrl ?? file.feed_url ?? `http://127.0.0.1:${PORTS.live_connector}`;
  try {
    new URL(feedUrl);
  } catch {
    throw new ConfigError(`feed url "${feedUrl}" is not a URL`);
  }
  return Object.freeze({
    configPath: path,
    series: Object.freeze({ venue: file.venue, symbol: file.symbol, interval: file.interval }),
    params: Object.freeze({ stopAtrK: file.stop_atr_k, feeBps: file.fee_bps, size: file.size }),
    runId,
    eventsPath: flags.events ?? env("PEAK_TRADE_AI_EVENTS_JSONL") ?? DEFAULT_EVENTS_PATH,
    feedUrl,
    bus: resolveBusConfig(Object.fromEntries(BUS_KEYS.map((k) => [k, env(k)]))),
    warmupBars: file.warmup_bars,
    heartbeatEveryMs: file.heartbeat_every_s * 1000,
    staleAfterMs: file.feed_stale_after_s * 1000,
    backoffBaseMs: file.backoff_base_ms,
    backoffMaxMs: file.backoff_max_ms,
    hostname: bindHost(),
    port: flags.port ?? PORTS.shadow_mvs,
  });
}

/** Reads and resolves a config file; a missing or malformed file is a ConfigError (exit 2). */
export async function loadConfig(
  path: string,
  env: (name: string) => string | undefined,
  flags: ConfigOverrides,
): Promise<ShadowConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return resolveConfig(path, parseStrategyFile(raw, path), env, flags);
}
