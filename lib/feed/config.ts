// LiveFeed configuration: defaults <- env file <- process env <- flags, validated once with zod
// into one frozen object. A bad value is one line naming the key and what is allowed. The market bus
// settings (BUS_URL unset = no bus, as before) are read from the same layers by lib/bus/bus_config.ts;
// the store (STORE_URL unset = the DuckDB file at STORE_PATH, as before) by store_choice.ts.
import { z } from "zod";
import { BUS_KEYS, type BusConfig, resolveBusConfig } from "../bus/bus_config.ts";
import { DEFAULT_STORE_PATH, type StoreTarget } from "../store/store_url.ts";
import { ConfigError } from "../util/errors.ts";
import { type Interval, INTERVALS, type SymbolName, type Venue, VENUES } from "../market/types.ts";
import { parseSymbol } from "../venues/symbols.ts";
import { chooseStore, type Layer, type Setting } from "./store_choice.ts";

const csv = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const bool = z.enum(["true", "false", "1", "0", "yes", "no"], "must be true or false").transform((v) =>
  v === "true" || v === "1" || v === "yes"
);
const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(
    z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
  );

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A duration like 90m, 12h or 7d, in ms. */
const duration = (max: string, maxMs: number) =>
  z.string().regex(/^\d+(ms|s|m|h|d)$/, "must be a duration like 90m, 12h or 7d").transform((v) =>
    Number(v.match(/^\d+/)![0]) * UNIT_MS[v.replace(/^\d+/, "")]
  ).pipe(z.number().min(1, "must be more than 0").max(maxMs, `must be at most ${max}`));

export const FeedConfigSchema = z.object({
  FEED_PROFILE: z.enum(["sim", "public"], "must be sim or public"),
  VENUES_ENABLED: z.string().transform((s, ctx) => {
    const list = csv(s);
    const bad = list.filter((v) => !(VENUES as readonly string[]).includes(v));
    if (bad.length || !list.length) {
      ctx.addIssue({ code: "custom", message: `must be a comma list of ${VENUES.join(", ")}` });
    }
    return list as Venue[];
  }),
  SYMBOLS: z.string().transform((s, ctx) => {
    try {
      const list = csv(s).map(parseSymbol);
      if (!list.length) throw new RangeError("empty");
      return list as SymbolName[];
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: `must be a comma list like BTC-USDT or BTCUSDT (${
          err instanceof Error ? err.message : err
        })`,
      });
      return [] as SymbolName[];
    }
  }),
  INTERVALS: z.string().transform((s, ctx) => {
    const list = csv(s);
    const bad = list.filter((v) => !(v in INTERVALS));
    if (bad.length || !list.length) {
      ctx.addIssue({
        code: "custom",
        message: `must be a comma list of ${Object.keys(INTERVALS).join(", ")}`,
      });
    }
    return list as Interval[];
  }),
  QUIET: bool,
  STATUS_MIN_SECS: int(1, 86_400),
  PARTITIONING_ENABLED: bool,
  STORE_PATH: z.string().min(1, "must not be empty"),
  /** Checked by chooseStore (never echoed back: it may hold a password). */
  STORE_URL: z.string().optional(),
  STORE_MEMORY_LIMIT: z.string().regex(/^[1-9]\d*(MB|MiB|GB|GiB)$/, "must be a size like 128MB or 1GB"),
  STORE_THREADS: int(1, 64),
  PARQUET_DIR: z.string().min(1, "must not be empty"),
  BAR_CLOSE_GRACE_MS: int(0, 600_000),
  STALE_TIMEOUT_MS: int(100, 3_600_000),
  BACKOFF_BASE_MS: int(1, 600_000),
  BACKOFF_MAX_MS: int(1, 3_600_000),
  /** Restart/outage backfill asks REST this far back at most; older missing bars are reported. */
  BACKFILL_MAX_LOOKBACK: duration("365d", 365 * 86_400_000).default(7 * 86_400_000),
  FEED_CLOCK: z.enum(["sim", "wall"], "must be sim or wall"),
  SIM_CLOCK_URL: z.string(),
}).superRefine((c, ctx) => {
  if (c.FEED_CLOCK === "sim" && !/^https?:\/\//.test(c.SIM_CLOCK_URL)) {
    ctx.addIssue({
      code: "custom",
      path: ["SIM_CLOCK_URL"],
      message: "must be an http(s) URL when FEED_CLOCK=sim",
    });
  }
  if (c.BACKOFF_MAX_MS < c.BACKOFF_BASE_MS) {
    ctx.addIssue({ code: "custom", path: ["BACKOFF_MAX_MS"], message: "must be at least BACKOFF_BASE_MS" });
  }
});

export type FeedSettings = z.output<typeof FeedConfigSchema>;

export interface FeedConfig {
  readonly settings: Readonly<FeedSettings>;
  /** Every key after layering (venue endpoints are read from here by the adapters). */
  readonly env: Readonly<Record<string, string>>;
  readonly source: string;
  /** Where the feed also publishes trades and closed bars; url null (BUS_URL unset) = nowhere. */
  readonly bus: BusConfig;
  /** The store the feed writes: STORE_URL's, or the DuckDB file at STORE_PATH (then equal to it). */
  readonly store: StoreTarget;
}

export const FEED_KEYS: readonly string[] = [...Object.keys(FeedConfigSchema.shape), ...BUS_KEYS];

/**
 * Layers the sources (later wins) and validates. Process env only overrides keys the env file
 * (or schema) knows, so unrelated variables never leak in.
 */
export function resolveFeedConfig(
  fileEnv: Record<string, string>,
  processEnv: Record<string, string | undefined>,
  flags: Record<string, string | undefined>,
  source: string,
): FeedConfig {
  const known = new Set([...Object.keys(fileEnv), ...FEED_KEYS]);
  const env: Record<string, string> = { ...fileEnv };
  for (const k of known) if (processEnv[k] !== undefined) env[k] = processEnv[k]!;
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) env[k] = v;
  const setting = (k: string): Setting | undefined => {
    const layer: Layer | null = flags[k] !== undefined
      ? "a flag"
      : processEnv[k] !== undefined
      ? "the environment"
      : k in fileEnv
      ? "the env file"
      : null;
    return layer === null ? undefined : { value: env[k], layer };
  };
  let chosen: StoreTarget | null;
  try {
    chosen = chooseStore(setting("STORE_URL"), setting("STORE_PATH"));
  } catch (err) {
    if (err instanceof ConfigError) throw new RangeError(`config ${source}: ${err.message}`);
    throw err;
  }
  // STORE_PATH is what every DuckDB reader of the feed's config opens: the chosen file when STORE_URL
  // names one. Under a PostgreSQL STORE_URL it is no store (those readers refuse: duckDbOnly).
  if (chosen?.kind === "duckdb") env.STORE_PATH = chosen.path;
  else if (chosen && env.STORE_PATH === undefined) env.STORE_PATH = DEFAULT_STORE_PATH;
  const r = FeedConfigSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0];
    const key = i.path.join(".") || "(config)";
    const got = env[key] === undefined ? "missing" : `"${env[key]}"`;
    throw new RangeError(`config ${source}: ${key} ${i.message} (value: ${got})`);
  }
  const store: StoreTarget = chosen ?? { kind: "duckdb", path: r.data.STORE_PATH };
  if (store.kind === "postgres" && r.data.PARTITIONING_ENABLED) {
    throw new RangeError(
      `config ${source}: PARTITIONING_ENABLED true mirrors a DuckDB store to Parquet, and STORE_URL names ` +
        `PostgreSQL: set PARTITIONING_ENABLED=false`,
    );
  }
  let bus: BusConfig;
  try {
    bus = resolveBusConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new RangeError(`config ${source}: ${err.message}`);
    throw err;
  }
  return Object.freeze({ settings: Object.freeze(r.data), env: Object.freeze(env), source, bus, store });
}
