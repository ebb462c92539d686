// Which Binance the connector talks to, from env (an env profile in config/env/ plus the process env).
// BINANCE_TRADING_PROFILE names the choice and the URLs must agree with it, so an endpoint never
// switches silently: paper = the venue simulator on loopback, testnet = *.testnet.binance.vision,
// live = *.binance.com. Keys are read separately (credentials.ts), never from a profile file.
import { ConfigError } from "../util/errors.ts";
import type { BinanceSpotConfig } from "./binance_spot.ts";

export type EnvGet = (name: string) => string | undefined;
export type TradingProfile = "paper" | "testnet" | "live";

export const TRADING_ENV_KEYS = [
  "BINANCE_TRADING_PROFILE",
  "BINANCE_TRADE_REST_URL",
  "BINANCE_TRADE_WS_API_URL",
  "BINANCE_RECV_WINDOW_MS",
] as const;

const HOSTS: Record<TradingProfile, (host: string) => boolean> = {
  paper: (h) => h === "127.0.0.1" || h === "localhost" || h === "[::1]",
  testnet: (h) => h === "testnet.binance.vision" || h.endsWith(".testnet.binance.vision"),
  live: (h) => h.endsWith(".binance.com") && !h.includes("demo") && !h.includes("testnet"),
};

export interface TradingConfig {
  readonly profile: TradingProfile;
  readonly spot: BinanceSpotConfig;
}

function url(env: EnvGet, name: string, profile: TradingProfile, schemes: readonly string[]): string {
  const raw = env(name);
  if (!raw) throw new ConfigError(`${name} is not set (profile ${profile})`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: ${raw}`);
  }
  if (!schemes.includes(u.protocol)) {
    throw new ConfigError(`${name} must be ${schemes.join(" or ")}, got ${raw}`);
  }
  if (u.username || u.password || u.search) {
    throw new ConfigError(`${name} must carry no credentials or query`);
  }
  if (!HOSTS[profile](u.hostname)) {
    throw new ConfigError(`${name}=${raw} is not a ${profile} endpoint (BINANCE_TRADING_PROFILE=${profile})`);
  }
  return raw.replace(/\/+$/, "");
}

export function tradingConfigFromEnv(env: EnvGet): TradingConfig {
  const profile = env("BINANCE_TRADING_PROFILE");
  if (profile !== "paper" && profile !== "testnet" && profile !== "live") {
    throw new ConfigError(
      `BINANCE_TRADING_PROFILE must be paper, testnet or live, got ${profile ?? "nothing"}`,
    );
  }
  const secure = profile === "paper" ? ["http:", "https:"] : ["https:"];
  const wsSecure = profile === "paper" ? ["ws:", "wss:"] : ["wss:"];
  const recvRaw = env("BINANCE_RECV_WINDOW_MS") ?? "5000";
  const recvWindowMs = Number(recvRaw);
  if (!Number.isInteger(recvWindowMs) || recvWindowMs <= 0 || recvWindowMs > 60_000) {
    throw new ConfigError(`BINANCE_RECV_WINDOW_MS must be a whole number of ms in 1..60000, got ${recvRaw}`);
  }
  return {
    profile,
    spot: {
      rest: { baseUrl: url(env, "BINANCE_TRADE_REST_URL", profile, secure), recvWindowMs },
      userStream: { wsApiUrl: url(env, "BINANCE_TRADE_WS_API_URL", profile, wsSecure), recvWindowMs },
    },
  };
}

/** The one line a process prints at start so the choice is never silent (no keys in it). */
export function tradingLine(c: TradingConfig): string {
  return `trading profile=${c.profile} rest=${c.spot.rest.baseUrl} ws_api=${c.spot.userStream.wsApiUrl}`;
}
