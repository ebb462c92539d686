// The venue simulator's execution-chaos flags (scripts/venue_sim.ts): flag values -> the `trading`
// chaos config. The chaos file's `trading` key overrides them key by key (mergeChaos).
import { intFlag } from "../../cli/main.ts";
import { ConfigError } from "../../util/errors.ts";
import { type TradingChaosConfig, TradingChaosSchema } from "./trading_chaos.ts";

export const TRADING_CHAOS_HELP =
  `Execution chaos (with --trading; the chaos file's "trading" key overrides these key by key):
  --ack-lost-placed-rate P          share of order placements placed but answered -1007 / HTTP 503
  --ack-5xx-unplaced-rate P         share of order placements answered -1007 / HTTP 503, not placed
  --ack-delay-ms N                  the other placements are acked N wall ms late
  --fill-stream-before-trades-ms N  a fill stays out of myTrades N ms (the user stream has it first)
  --trades-before-stream-ms N       user events held N wall ms (myTrades has the fill first)
  --user-stream-stall               user events are silently not sent (the sockets stay open)
  --user-stream-drop-every-s X      close each WebSocket API connection (1011) after X wall seconds
  --trading-chaos-seed N            seed of the per-placement draws (default 1)`;

const str = { type: "string" } as const;

export const TRADING_CHAOS_FLAGS = {
  "ack-lost-placed-rate": str,
  "ack-5xx-unplaced-rate": str,
  "ack-delay-ms": str,
  "fill-stream-before-trades-ms": str,
  "trades-before-stream-ms": str,
  "user-stream-stall": { type: "boolean" },
  "user-stream-drop-every-s": str,
  "trading-chaos-seed": str,
} as const;

function num(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`--${flag} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

const ms = (flag: string, raw: string | undefined) =>
  raw === undefined ? undefined : intFlag(flag, raw, 0, 0, 600_000);

/** The trading chaos the flags ask for; undefined when none is given. */
export function tradingChaosFromFlags(
  v: Record<string, string | boolean | undefined>,
): TradingChaosConfig | undefined {
  const s = (k: string) => v[k] as string | undefined;
  const cfg = {
    seed: s("trading-chaos-seed") === undefined
      ? undefined
      : intFlag("trading-chaos-seed", s("trading-chaos-seed"), 1, 0, 0xffffffff),
    ackLostPlacedRate: num("ack-lost-placed-rate", s("ack-lost-placed-rate"), 0, 1),
    ack5xxUnplacedRate: num("ack-5xx-unplaced-rate", s("ack-5xx-unplaced-rate"), 0, 1),
    ackDelayMs: ms("ack-delay-ms", s("ack-delay-ms")),
    fillStreamBeforeTradesMs: ms("fill-stream-before-trades-ms", s("fill-stream-before-trades-ms")),
    tradesBeforeStreamMs: ms("trades-before-stream-ms", s("trades-before-stream-ms")),
    userStreamStall: v["user-stream-stall"] ? true : undefined,
    userStreamDropEveryS: num("user-stream-drop-every-s", s("user-stream-drop-every-s"), 0.001, 1e9),
  };
  const defined = Object.fromEntries(Object.entries(cfg).filter(([, x]) => x !== undefined));
  if (Object.keys(defined).length === 0) return undefined;
  const r = TradingChaosSchema.safeParse(defined);
  if (!r.success) throw new ConfigError(`execution chaos flags: ${r.error.issues[0].message}`);
  return r.data;
}
