// The venue simulator's execution-chaos flags (scripts/venue_sim.ts): flag values -> the `trading`
// chaos config. The chaos file's `trading` key overrides them key by key (mergeChaos).
import { intFlag, numFlag as num } from "../../cli/main.ts";
import { ConfigError } from "../../util/errors.ts";
import { type OrphanSpec, type TradingChaosConfig, TradingChaosSchema } from "./trading_chaos.ts";

export const TRADING_CHAOS_HELP =
  `Execution chaos (with --trading; the chaos file's "trading" key overrides these key by key):
  --ack-lost-placed-rate P          share of order placements placed but answered -1007 / HTTP 503
  --ack-5xx-unplaced-rate P         share of order placements answered -1007 / HTTP 503, not placed
  --ack-connection-closed-rate P    share of order placements placed, then the connection dies mid-reply
  --ack-delay-ms N                  the other placements are acked N wall ms late
  --burst-5xx-calls N               the first N signed REST calls get HTTP 502 (HTML), unprocessed
  --burst-5xx-every N               ... and again at the start of every N signed calls
  --storm-429-calls N               the first N REST calls get 429 -1003 + Retry-After, unprocessed
  --storm-429-every N               ... and again at the start of every N calls
  --storm-429-retry-after-s N       the storm's Retry-After seconds (default 5)
  --orphan-orders LIST              orders someone else places, id:SYMBOL:SIDE:QTY@PRICE,... (web_<id>)
  --vanish-client-order-ids LIST    open orders with these client ids expire with no user event
  --cancel-fill-race-rate P         share of cancels a fill at the order's limit beats (-2011)
  --fill-stream-before-trades-ms N  a fill stays out of myTrades N ms (the user stream has it first)
  --trades-before-stream-ms N       user events held N wall ms (myTrades has the fill first)
  --user-stream-stall               WebSocket API goes silent: no events, no replies (sockets stay open)
  --hold-signed-reads               signed REST GETs wait unanswered (a chaos file's false lets them go)
  --user-stream-drop-every-s X      close each WebSocket API connection (1011) after X wall seconds
  --trading-chaos-seed N            seed of the per-placement and per-cancel draws (default 1)`;

const str = { type: "string" } as const;

export const TRADING_CHAOS_FLAGS = {
  "ack-lost-placed-rate": str,
  "ack-5xx-unplaced-rate": str,
  "ack-connection-closed-rate": str,
  "ack-delay-ms": str,
  "burst-5xx-calls": str,
  "burst-5xx-every": str,
  "storm-429-calls": str,
  "storm-429-every": str,
  "storm-429-retry-after-s": str,
  "orphan-orders": str,
  "vanish-client-order-ids": str,
  "cancel-fill-race-rate": str,
  "fill-stream-before-trades-ms": str,
  "trades-before-stream-ms": str,
  "user-stream-stall": { type: "boolean" },
  "user-stream-drop-every-s": str,
  "hold-signed-reads": { type: "boolean" },
  "trading-chaos-seed": str,
} as const;

type Values = Record<string, string | boolean | undefined>;

const int = (v: Values, flag: string, min: number, max: number) =>
  v[flag] === undefined ? undefined : intFlag(flag, v[flag] as string, 0, min, max);

const list = (raw: string | undefined) =>
  raw === undefined ? undefined : raw.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** `id:SYMBOL:SIDE:QTY@PRICE`, e.g. `o1:BTCUSDT:BUY:0.01@1000`. */
function orphan(entry: string): OrphanSpec {
  const m = /^([^:]+):([^:]+):(BUY|SELL):([^@]+)@(.+)$/.exec(entry);
  if (!m) throw new ConfigError(`--orphan-orders entries are id:SYMBOL:BUY|SELL:QTY@PRICE, got "${entry}"`);
  return { id: m[1], symbol: m[2], side: m[3] as "BUY" | "SELL", quantity: m[4], price: m[5] };
}

/** A `{calls, everyCalls?}` window from two flags (the every flag alone is an error). */
function window(v: Values, calls: string, every: string) {
  const c = int(v, calls, 1, 1e9), e = int(v, every, 2, 1e9);
  if (c === undefined && e !== undefined) throw new ConfigError(`--${every} needs --${calls}`);
  return c === undefined ? undefined : { calls: c, ...(e === undefined ? {} : { everyCalls: e }) };
}

/** The trading chaos the flags ask for; undefined when none is given. */
export function tradingChaosFromFlags(v: Values): TradingChaosConfig | undefined {
  const s = (k: string) => v[k] as string | undefined;
  const storm = window(v, "storm-429-calls", "storm-429-every");
  const retryAfterS = int(v, "storm-429-retry-after-s", 1, 3600);
  if (retryAfterS !== undefined && !storm) {
    throw new ConfigError("--storm-429-retry-after-s needs --storm-429-calls");
  }
  const cfg = {
    seed: int(v, "trading-chaos-seed", 0, 0xffffffff),
    ackLostPlacedRate: num("ack-lost-placed-rate", s("ack-lost-placed-rate"), 0, 1),
    ack5xxUnplacedRate: num("ack-5xx-unplaced-rate", s("ack-5xx-unplaced-rate"), 0, 1),
    ackConnectionClosedRate: num("ack-connection-closed-rate", s("ack-connection-closed-rate"), 0, 1),
    ackDelayMs: int(v, "ack-delay-ms", 0, 600_000),
    burst5xx: window(v, "burst-5xx-calls", "burst-5xx-every"),
    storm429: storm && { ...storm, ...(retryAfterS === undefined ? {} : { retryAfterS }) },
    orphans: list(s("orphan-orders"))?.map(orphan),
    vanishClientOrderIds: list(s("vanish-client-order-ids")),
    cancelFillRaceRate: num("cancel-fill-race-rate", s("cancel-fill-race-rate"), 0, 1),
    fillStreamBeforeTradesMs: int(v, "fill-stream-before-trades-ms", 0, 600_000),
    tradesBeforeStreamMs: int(v, "trades-before-stream-ms", 0, 600_000),
    userStreamStall: v["user-stream-stall"] ? true : undefined,
    holdSignedReads: v["hold-signed-reads"] ? true : undefined,
    userStreamDropEveryS: num("user-stream-drop-every-s", s("user-stream-drop-every-s"), 0.001, 1e9),
  };
  const defined = Object.fromEntries(Object.entries(cfg).filter(([, x]) => x !== undefined));
  if (Object.keys(defined).length === 0) return undefined;
  const r = TradingChaosSchema.safeParse(defined);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(
      `execution chaos flags: ${i.path.join(".")}${i.path.length ? ": " : ""}${i.message}`,
    );
  }
  return r.data;
}
