import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../util/errors.ts";
import { instrument } from "../instruments.ts";
import { parseBalances, tradingFromFlags, writeKeysFile } from "./cli_config.ts";

const insts = [instrument("BTC-USDT")];
const KEY = "K".repeat(64);

Deno.test("trading flags: off by default, given key pair and settings carried exactly", () => {
  assert.equal(tradingFromFlags({}, insts, () => 0), null);
  const t = tradingFromFlags(
    {
      trading: true,
      "api-key": KEY,
      "api-secret": "s3cret",
      balances: "USDT=250.5,BTC=0.01",
      "maker-fee": "0.0002",
      "slippage-bps": "3",
      "taker-liquidity": "last_print",
      "no-rate-limits": true,
    },
    insts,
    () => 0,
  )!;
  assert.deepEqual(t.key, { key: KEY, secret: "s3cret", account: "paper" });
  assert.deepEqual(t.options.accounts, {
    paper: { balances: { USDT: 25_050_000_000, BTC: 1_000_000 }, makerRate: 20_000, takerRate: 100_000 },
  });
  assert.deepEqual([t.options.slippageBps, t.options.takerLiquidity, t.options.limits], [
    3,
    "last_print",
    undefined,
  ]);
  assert.deepEqual(t.options.symbols.map((s) => s.name), ["BTCUSDT"]);
});

Deno.test("trading flags: refusals are usage errors that never echo a secret", () => {
  const bad: Record<string, string | boolean>[] = [
    { trading: true, "api-key": KEY },
    { trading: true, "api-key": "short", "api-secret": "hidden-secret" },
    { trading: true },
    { trading: true, "keys-file": "k.json", "taker-liquidity": "deep" },
    { trading: true, "keys-file": "k.json", "maker-fee": "2" },
  ];
  for (const v of bad) {
    assert.throws(() => tradingFromFlags(v, insts, () => 0), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes("hidden-secret"));
      return true;
    });
  }
  assert.throws(() => parseBalances("USDT:1"), /ASSET=amount/);
});

Deno.test("a generated key pair is 64 letters/digits each and its file is owner-only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_keys_test_" });
  try {
    const path = join(dir, "keys.json");
    const t = tradingFromFlags({ trading: true, "keys-file": path }, insts, () => 0)!;
    assert.match(t.key.key, /^[A-Za-z0-9]{64}$/);
    assert.match(t.key.secret, /^[A-Za-z0-9]{64}$/);
    await writeKeysFile(path, t.key);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
      apiKey: t.key.key,
      apiSecret: t.key.secret,
    });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
