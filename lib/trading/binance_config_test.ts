import assert from "node:assert/strict";
import { parseEnvFile } from "../feed/env_file.ts";
import { ConfigError } from "../util/errors.ts";
import { tradingConfigFromEnv, tradingLine } from "./binance_config.ts";

const profile = async (name: string) => {
  const file = new URL(`../../config/env/${name}.env`, import.meta.url);
  const vars = parseEnvFile(await Deno.readTextFile(file), name);
  return (n: string) => vars[n];
};

Deno.test("the paper profile points at the simulator on loopback, the testnet one at Binance's testnet", async () => {
  const paper = tradingConfigFromEnv(await profile("paper"));
  assert.equal(
    tradingLine(paper),
    "trading profile=paper rest=http://127.0.0.1:8765/binance ws_api=ws://127.0.0.1:8765/binance/ws-api/v3",
  );
  const testnet = tradingConfigFromEnv(await profile("testnet"));
  assert.equal(
    tradingLine(testnet),
    "trading profile=testnet rest=https://testnet.binance.vision ws_api=wss://ws-api.testnet.binance.vision/ws-api/v3",
  );
  assert.equal(testnet.spot.rest.recvWindowMs, 5000);
});

Deno.test("a URL that does not match the named profile is refused: no silent switch", () => {
  const base = {
    BINANCE_TRADING_PROFILE: "paper",
    BINANCE_TRADE_REST_URL: "https://api.binance.com",
    BINANCE_TRADE_WS_API_URL: "ws://127.0.0.1:1/ws-api/v3",
  };
  const env = (o: Record<string, string>) => (n: string) => ({ ...base, ...o } as Record<string, string>)[n];
  const refused: [Record<string, string>, string][] = [
    [
      {},
      "BINANCE_TRADE_REST_URL=https://api.binance.com is not a paper endpoint (BINANCE_TRADING_PROFILE=paper)",
    ],
    [
      { BINANCE_TRADING_PROFILE: "testnet", BINANCE_TRADE_REST_URL: "https://api.binance.com" },
      "BINANCE_TRADE_REST_URL=https://api.binance.com is not a testnet endpoint (BINANCE_TRADING_PROFILE=testnet)",
    ],
    [
      { BINANCE_TRADING_PROFILE: "live", BINANCE_TRADE_REST_URL: "http://api.binance.com" },
      "BINANCE_TRADE_REST_URL must be https:, got http://api.binance.com",
    ],
    [{ BINANCE_TRADING_PROFILE: "prod" }, "BINANCE_TRADING_PROFILE must be paper, testnet or live, got prod"],
    [
      { BINANCE_TRADE_REST_URL: "http://127.0.0.1:1", BINANCE_RECV_WINDOW_MS: "60001" },
      "BINANCE_RECV_WINDOW_MS must be a whole number of ms in 1..60000, got 60001",
    ],
    [
      { BINANCE_TRADE_REST_URL: "http://u:p@127.0.0.1:1" },
      "BINANCE_TRADE_REST_URL must carry no credentials or query",
    ],
  ];
  for (const [o, message] of refused) {
    assert.throws(() => tradingConfigFromEnv(env(o)), new ConfigError(message));
  }
  const live = tradingConfigFromEnv(env({
    BINANCE_TRADING_PROFILE: "live",
    BINANCE_TRADE_REST_URL: "https://api.binance.com/",
    BINANCE_TRADE_WS_API_URL: "wss://ws-api.binance.com:443/ws-api/v3",
  }));
  assert.equal(live.spot.rest.baseUrl, "https://api.binance.com");
});
