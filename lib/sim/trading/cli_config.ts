// The venue simulator's trading flags (scripts/venue_sim.ts): what they mean, and flag values ->
// the trading venue's options. A generated key pair is written to --keys-file (0600) for clients and
// never logged; a given secret is never echoed in errors.
import { writeFileAtomic } from "../../fs/atomic.ts";
import { intFlag } from "../../cli/main.ts";
import { ConfigError } from "../../util/errors.ts";
import type { Instrument } from "../instruments.ts";
import type { AccountConfig } from "./accounts.ts";
import { parseAtoms } from "./decimal.ts";
import { DEFAULT_RATE_LIMITS } from "./rate_limits.ts";
import type { ApiKey } from "./signing.ts";
import { spotSymbol } from "./symbols.ts";
import type { TradingVenueOptions } from "./venue.ts";

export const TRADING_HELP = `Trading (Binance spot private API on the same port; off unless --trading):
  --trading              serve signed REST under /binance/api/v3 and the WebSocket API at /binance/ws-api/v3
  --api-key KEY          the one accepted API key (64 letters/digits; default: generated per run)
  --api-secret SECRET    its HMAC secret (default: generated with the key; visible in ps: test keys only)
  --keys-file FILE       write {"apiKey","apiSecret"} here (mode 0600); required for a generated pair
  --balances LIST        starting balances, e.g. USDT=10000,BTC=0.5 (default USDT=10000)
  --maker-fee X          maker commission rate (default 0.001)
  --taker-fee X          taker commission rate (default 0.001)
  --slippage-bps N       whole bps a taker pays beyond the last trade (default 0)
  --taker-liquidity M    unlimited (default) or last_print: takers fill only what the last trade left
  --orders-truth FILE    every order state change (allOrders rows + event) and every place refused
                         as a duplicate client id (event REFUSED), JSONL
  --fills-truth FILE     every fill (myTrades rows), JSONL
  --trading-state FILE   orders, balances and fills kept across restarts (written atomically)
  --no-rate-limits       do not enforce request weight / order count limits`;

const str = { type: "string" } as const;

export const TRADING_FLAGS = {
  trading: { type: "boolean" },
  "api-key": str,
  "api-secret": str,
  "keys-file": str,
  balances: str,
  "maker-fee": str,
  "taker-fee": str,
  "slippage-bps": str,
  "taker-liquidity": str,
  "orders-truth": str,
  "fills-truth": str,
  "trading-state": str,
  "no-rate-limits": { type: "boolean" },
} as const;

type Values = Record<string, string | boolean | undefined>;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 64 random letters and digits (Binance's key and secret shape). */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  return [...bytes].map((b) => ALNUM[b % ALNUM.length]).join("");
}

/** A commission rate flag (--maker-fee, --taker-fee) in atoms of a unit; the simulator's default 0.001. */
export function rateFlag(flag: string, raw: string | undefined): number {
  const v = parseAtoms(raw ?? "0.001");
  if (typeof v !== "number" || v > 100_000_000) throw new ConfigError(`--${flag} must be a rate from 0 to 1`);
  return v;
}

/** "USDT=10000,BTC=0.5" -> atoms by asset. */
export function parseBalances(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of raw.split(",").map((s) => s.trim()).filter((s) => s)) {
    const m = /^([A-Z0-9]{1,20})=(.+)$/.exec(part);
    const v = m ? parseAtoms(m[2]) : "illegal";
    if (!m || typeof v !== "number") {
      throw new ConfigError(`--balances entries are ASSET=amount, got "${part}"`);
    }
    out[m[1]] = v;
  }
  return out;
}

/** The trading options the flags ask for (null without --trading), and the key pair to publish. */
export function tradingFromFlags(
  v: Values,
  instruments: readonly Instrument[],
  now: () => number,
): { options: Omit<TradingVenueOptions, "ordersTruth" | "fillsTruth">; key: ApiKey } | null {
  if (!v.trading) return null;
  const s = (k: string) => v[k] as string | undefined;
  const givenKey = s("api-key"), givenSecret = s("api-secret");
  if ((givenKey === undefined) !== (givenSecret === undefined)) {
    throw new ConfigError("--api-key and --api-secret go together");
  }
  if (givenKey !== undefined && !/^[A-Za-z0-9]{64}$/.test(givenKey)) {
    throw new ConfigError("--api-key must be 64 letters and digits");
  }
  if (givenKey === undefined && !s("keys-file")) {
    throw new ConfigError("a generated key pair needs --keys-file (the secret is never logged)");
  }
  const liquidity = s("taker-liquidity") ?? "unlimited";
  if (liquidity !== "unlimited" && liquidity !== "last_print") {
    throw new ConfigError(`--taker-liquidity is unlimited or last_print, got "${liquidity}"`);
  }
  const key: ApiKey = {
    key: givenKey ?? randomToken(),
    secret: givenSecret ?? randomToken(),
    account: "paper",
  };
  const account: AccountConfig = {
    balances: parseBalances(s("balances") ?? "USDT=10000"),
    makerRate: rateFlag("maker-fee", s("maker-fee")),
    takerRate: rateFlag("taker-fee", s("taker-fee")),
  };
  return {
    key,
    options: {
      symbols: instruments.map((i) => spotSymbol(i)),
      accounts: { paper: account },
      keys: [key],
      slippageBps: intFlag("slippage-bps", s("slippage-bps"), 0, 0, 9999),
      takerLiquidity: liquidity,
      now,
      statePath: s("trading-state"),
      limits: v["no-rate-limits"] ? undefined : DEFAULT_RATE_LIMITS,
    },
  };
}

/** Writes the key pair for clients, readable by the owner only. */
export async function writeKeysFile(path: string, key: ApiKey): Promise<void> {
  await writeFileAtomic(path, JSON.stringify({ apiKey: key.key, apiSecret: key.secret }) + "\n", {
    mode: 0o600,
  });
}
