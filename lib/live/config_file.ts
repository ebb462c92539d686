// The live loop's config file (config/live/paper.json): zod at the edge, one line naming the file and
// the first bad field (exit 2), then units -> the OMS's atoms and the loop's LiveConfig, checked against
// the connector the loop will trade through (checkLiveConfig). LIVE_STATE_DIR and LIVE_FEED_URL (env)
// override the state dir and the feed URL; BUS_URL (and the other BUS_* keys) set: bars from the market bus.
import { z } from "zod";
import { BUS_DEFAULTS, BUS_KEYS, type BusConfig, resolveBusConfig } from "../bus/bus_config.ts";
import { bindHost, PORTS } from "../config/ports.ts";
import { type Interval, INTERVALS, VENUES } from "../market/types.ts";
import type { RefStratParams } from "../strategy/refstrat_01.ts";
import { ConfigError } from "../util/errors.ts";
import { checkLiveConfig, DEFAULT_INFLIGHT, type LiveConfig, liveStateDir } from "./config.ts";
import type { FeedBarsOptions } from "./feed_bars.ts";

export const DEFAULT_LIVE_CONFIG = "config/live/paper.json";
const ATOMS = 1e8;
const pos = z.number().positive().finite();
const count = z.number().int().positive();

const FileSchema = z.strictObject({
  $comment: z.string().optional(),
  mode: z.enum(["shadow", "paper", "live"]),
  tag: z.string().regex(/^[A-Za-z0-9_-]{1,12}$/, "must be 1-12 of [A-Za-z0-9_-]"),
  feed: z.strictObject({
    url: z.url().optional(),
    venue: z.enum(VENUES),
    interval: z.enum(Object.keys(INTERVALS) as [Interval, ...Interval[]]),
    stale_after_s: pos,
  }),
  symbols: z.array(z.strictObject({
    symbol: z.string().regex(/^[A-Z0-9]+$/),
    base: z.string().regex(/^[A-Z0-9]+$/),
    quote: z.string().regex(/^[A-Z0-9]+$/),
    feed_symbol: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, "must look like BASE-QUOTE"),
  })).min(1),
  risk: z.strictObject({
    max_notional_per_order: pos,
    max_position: z.record(z.string(), pos),
    max_open_orders: count,
    max_orders_per_second: count,
    price_collar_bps: count,
    max_bar_age_s: pos,
    max_daily_loss: pos,
    max_drawdown_bps: count,
  }),
  inflight: z.strictObject({ interval_ms: count, threshold_ms: count, retries: count }).optional(),
  /** RefStrat_01 on one of the symbols (absent: the loop trades only what submitOrder is given). */
  strategy: z.strictObject({
    name: z.literal("refstrat_01"),
    symbol: z.string().regex(/^[A-Z0-9]+$/),
    stop_atr_k: pos,
    fee_bps: z.number().nonnegative().max(1000),
    /** Base units bought on an entry. */
    size: pos,
  }).optional(),
  missing_grace_ms: z.number().int().nonnegative(),
  flatten_on_halt: z.boolean(),
  cancel_on_shutdown: z.boolean(),
});

export interface StrategySettings {
  /** The loop's symbol it trades. */
  readonly symbol: string;
  /** RefStrat_01's parameters (size in units, as the shadow's). */
  readonly params: RefStratParams;
  readonly sizeAtoms: number;
}

export interface LiveFileConfig {
  readonly loop: LiveConfig;
  readonly feed: Omit<FeedBarsOptions, "now" | "backoffBaseMs" | "backoffMaxMs">;
  readonly strategy: StrategySettings | null;
  /** The market bus (env BUS_*): url null = bars over the feed's SSE stream, as without a bus. */
  readonly bus: BusConfig;
}

/** What the file is checked against besides itself. */
export interface LiveFileOptions {
  /** The request timeout of the connector the loop will use (restTimeoutMs of its RestConfig). */
  readonly venueTimeoutMs: number;
}

const atoms = (units: number) => Math.round(units * ATOMS);

export function parseLiveFile(
  raw: unknown,
  path: string,
  env: (name: string) => string | undefined,
  opts: LiveFileOptions,
): LiveFileConfig {
  const r = FileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`${path}: field "${i.path.map(String).join(".") || "(root)"}" ${i.message}`);
  }
  const f = r.data;
  const st = f.strategy;
  if (st && !f.symbols.some((s) => s.symbol === st.symbol)) {
    throw new ConfigError(`${path}: field "strategy.symbol" ${st.symbol} is not one of the symbols`);
  }
  const feedUrl = env("LIVE_FEED_URL") || f.feed.url || `http://${bindHost()}:${PORTS.live_connector}`;
  try {
    new URL(feedUrl);
  } catch {
    throw new ConfigError(`LIVE_FEED_URL is not a URL: ${feedUrl}`);
  }
  const inflight = f.inflight
    ? {
      intervalMs: f.inflight.interval_ms,
      thresholdMs: f.inflight.threshold_ms,
      retries: f.inflight.retries,
    }
    : DEFAULT_INFLIGHT;
  const loop: LiveConfig = {
    stateDir: liveStateDir(env),
    mode: f.mode,
    tag: f.tag,
    symbols: f.symbols.map(({ symbol, base, quote }) => ({ symbol, base, quote })),
    risk: {
      maxNotionalPerOrder: atoms(f.risk.max_notional_per_order),
      maxPosition: Object.fromEntries(Object.entries(f.risk.max_position).map(([s, q]) => [s, atoms(q)])),
      maxOpenOrders: f.risk.max_open_orders,
      maxOrdersPerSecond: f.risk.max_orders_per_second,
      priceCollarBps: f.risk.price_collar_bps,
      maxBarAgeMs: f.risk.max_bar_age_s * 1000,
      maxDailyLoss: atoms(f.risk.max_daily_loss),
      maxDrawdownBps: f.risk.max_drawdown_bps,
    },
    inflight,
    missingGraceMs: f.missing_grace_ms,
    flattenOnHalt: f.flatten_on_halt,
    cancelOnShutdown: f.cancel_on_shutdown,
  };
  try {
    checkLiveConfig(loop, opts.venueTimeoutMs);
  } catch (err) {
    throw err instanceof ConfigError ? new ConfigError(`${path}: ${err.message}`) : err;
  }
  return {
    loop,
    feed: {
      feedUrl,
      venue: f.feed.venue,
      interval: f.feed.interval,
      symbols: Object.fromEntries(f.symbols.map((s) => [s.feed_symbol, s.symbol])),
      staleAfterMs: f.feed.stale_after_s * 1000,
    },
    strategy: st
      ? {
        symbol: st.symbol,
        params: { stopAtrK: st.stop_atr_k, feeBps: st.fee_bps, size: st.size },
        sizeAtoms: atoms(st.size),
      }
      : null,
    // Without BUS_URL the other BUS_* keys are not read: the SSE mode stays exactly as it was.
    bus: env("BUS_URL")?.trim()
      ? resolveBusConfig(Object.fromEntries(BUS_KEYS.map((k) => [k, env(k)])))
      : BUS_DEFAULTS,
  };
}

export async function loadLiveFile(
  path: string,
  env: (name: string) => string | undefined,
  opts: LiveFileOptions,
): Promise<LiveFileConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new ConfigError(`${path}: ${err instanceof SyntaxError ? "not JSON" : (err as Error).name}`);
  }
  return parseLiveFile(raw, path, env, opts);
}
