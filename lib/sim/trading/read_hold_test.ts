// Chaos holdSignedReads (read_hold.ts) on the venue's REST handler: signed GETs wait unanswered while
// the knob is set, writes and public calls do not; dropping the knob (the chaos file re-read) lets the
// held reads go on in arrival order against the venue as it is then, one chaos-log line each way.
import assert from "node:assert/strict";
import { BTC } from "../../../testing/sim_trading.ts";
import type { ChaosEvent } from "../chaos.ts";
import { hmacHex } from "./signing.ts";
import { TradingChaos, type TradingChaosConfig } from "./trading_chaos.ts";
import { TradingVenue } from "./venue.ts";

const KEY = "e".repeat(60) + "0004", SECRET = "read-hold-secret";
const NOW = 1_700_000_000_000;
const PLACE = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000";

async function setup(cfg: TradingChaosConfig) {
  const log: ChaosEvent[] = [];
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    chaos: new TradingChaos(() => cfg),
    chaosLog: (e) => log.push(e),
  });
  const done: string[] = [];
  /** A signed call; `done` gets its name when its answer is in. */
  const rest = async (name: string, method: string, path: string, query: string) => {
    const q = `${query}${query ? "&" : ""}timestamp=${NOW}`;
    const url = `http://127.0.0.1/binance${path}?${q}&signature=${hmacHex(SECRET, q)}`;
    const r = (await v.rest(new Request(url, { method, headers: { "X-MBX-APIKEY": KEY } })))!;
    const body = await r.json();
    done.push(name);
    return { status: r.status, body };
  };
  // Lets every ready continuation run (a held call has none until its release).
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { v, log, rest, done, settle };
}

Deno.test("holdSignedReads: signed GETs held until the knob is dropped, then answered in order with the venue as it is then", async () => {
  const cfg: TradingChaosConfig = { holdSignedReads: true };
  const t = await setup(cfg);
  const open = t.rest("openOrders", "GET", "/api/v3/openOrders", "symbol=BTCUSDT");
  const account = t.rest("account", "GET", "/api/v3/account", "");
  await t.settle();
  assert.deepEqual(t.done, [], "both reads held");
  assert.equal(t.v.chaos.reads.size, 2);
  // Writes and public calls are not reads of the account: they pass.
  const placed = await t.rest("place", "POST", "/api/v3/order", `${PLACE}&newClientOrderId=h-1`);
  assert.equal(placed.status, 200);
  const time = await t.v.rest(new Request("http://127.0.0.1/binance/api/v3/time"));
  assert.deepEqual(await time!.json(), { serverTime: NOW });
  // A re-read that still sets the knob releases nothing.
  t.v.chaosReloaded();
  await t.settle();
  assert.deepEqual(t.done, ["place"]);
  delete cfg.holdSignedReads;
  t.v.chaosReloaded();
  const [o, a] = await Promise.all([open, account]);
  assert.deepEqual(t.done, ["place", "openOrders", "account"], "released in arrival order");
  assert.equal(o.status, 200);
  assert.deepEqual(o.body.map((x: { clientOrderId: string }) => x.clientOrderId), ["h-1"], "as at release");
  assert.equal(a.status, 200);
  assert.equal(t.v.chaos.reads.size, 0);
  // Released: the next read is answered at once.
  const next = await t.rest("query", "GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=h-1");
  assert.deepEqual([next.status, next.body.clientOrderId], [200, "h-1"]);
  assert.deepEqual(t.log, [
    { kind: "read_held", venue: "binance", route: "GET /binance/api/v3/openOrders", held: 1 },
    { kind: "read_held", venue: "binance", route: "GET /binance/api/v3/account", held: 2 },
    { kind: "reads_released", venue: "binance", count: 2 },
  ]);
  const text = JSON.stringify(t.log);
  for (const secret of [KEY, SECRET, "signature", "timestamp", "symbol="]) {
    assert.ok(!text.includes(secret), `the chaos log never holds ${secret}`);
  }
});

Deno.test("holdSignedReads: a stopping venue answers the reads it held (the listener waits for them)", async () => {
  const t = await setup({ holdSignedReads: true });
  const open = t.rest("openOrders", "GET", "/api/v3/openOrders", "symbol=BTCUSDT");
  await t.settle();
  assert.deepEqual(t.done, []);
  assert.equal(await t.v.shutdownStreams(0), 0);
  assert.deepEqual((await open).body, []);
  assert.deepEqual(t.log.at(-1), { kind: "reads_released", venue: "binance", count: 1, force: true });
});
