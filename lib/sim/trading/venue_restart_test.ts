// A simulator restart from its state file (TradingVenue.open on the same statePath) continues every id
// a client has seen: orderId, tradeId, the executionReport's execution id `I`, and the account's last
// update `u` never go back, so nothing the connector keyed by them is reused.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BTC } from "../../../testing/sim_trading.ts";
import { instrument } from "../instruments.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { TradingVenue } from "./venue.ts";

const KEY = "r".repeat(60) + "0004", SECRET = "venue-restart-secret";

interface Ev {
  e: string;
  i?: number;
  t?: number;
  I?: number;
  x?: string;
  u?: number;
}

/** One run of the venue at `now`: subscribes, places `clientId`, then a sell print fills part of it. */
async function run(path: string, now: number, clientId: string): Promise<Ev[]> {
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => now,
    statePath: path,
  });
  const got: Ev[] = [];
  const c = v.attach((t) => {
    const f = JSON.parse(t);
    if (f.event) got.push(f.event);
  });
  const signed = (p: Record<string, unknown>) => ({ ...p, signature: hmacHex(SECRET, wsPayload(p)) });
  const send = (id: number, method: string, p: Record<string, unknown>) =>
    c.onMessage(JSON.stringify({ id, method, params: signed({ ...p, apiKey: KEY, timestamp: now }) }));
  send(1, "userDataStream.subscribe.signature", {});
  send(2, "order.place", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01",
    price: "60000",
    newClientOrderId: clientId,
  });
  await v.flush(); // replies and events leave once the state file holds the change
  await new Promise((r) => setTimeout(r, 0)); // the events follow their reply
  v.onTrade({
    venue: "binance",
    inst: instrument("BTC-USDT"),
    tradeId: clientId,
    idNum: 1,
    crossSeq: 1,
    priceTicks: 5_999_000,
    sizeLots: 1_000,
    side: "sell",
    timeMs: now,
  });
  await v.flush();
  await new Promise((r) => setTimeout(r, 0));
  c.close();
  await v.close(); // the final save
  return got;
}

Deno.test("a restarted venue continues orderId, tradeId, execution id I and the account update u", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_restart_test_" });
  try {
    const path = join(dir, "state.json");
    const first = await run(path, 1_700_000_000_000, "before");
    const second = await run(path, 1_700_000_060_000, "after");
    const reports = (evs: Ev[]) =>
      evs.filter((e) => e.e === "executionReport").map((e) => `${e.x} i=${e.i} t=${e.t} I=${e.I}`);
    assert.deepEqual(reports(first), ["NEW i=1 t=-1 I=1", "TRADE i=1 t=1 I=2"]);
    // The second buy takes what the first run's last print left (a taker fill at placement), then the
    // new print reaches the first run's order, still resting and first in time.
    assert.deepEqual(reports(second), ["NEW i=2 t=-1 I=3", "TRADE i=2 t=2 I=4", "TRADE i=1 t=3 I=5"]);
    const u = [...first, ...second].filter((e) => e.e === "outboundAccountPosition").map((e) => e.u);
    const [t1, t2] = [1_700_000_000_000, 1_700_000_060_000];
    assert.deepEqual(u, [t1, t1, t2, t2, t2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a state file from before execution ids were saved: I starts past any its orders can have used", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_restart_test_" });
  try {
    const path = join(dir, "state.json");
    await run(path, 1_700_000_000_000, "before");
    const old = JSON.parse(await Deno.readTextFile(path));
    delete old.nextExecutionId;
    await Deno.writeTextFile(path, JSON.stringify(old));
    const second = await run(path, 1_700_000_060_000, "after");
    // One order (NEW + a terminal event at most) and one fill: ids 1..3 may have been used.
    const ids = second.filter((e) => e.e === "executionReport").map((e) => e.I);
    assert.deepEqual(ids, [4, 5, 6]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a crash right after a client saw an ack and a fill (no close()): the state file already held both", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_restart_test_" });
  try {
    const path = join(dir, "state.json");
    const now = 1_700_000_000_000;
    const open = () =>
      TradingVenue.open({
        symbols: [BTC],
        accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
        keys: [{ key: KEY, secret: SECRET, account: "paper" }],
        slippageBps: 0,
        takerLiquidity: "unlimited",
        now: () => now,
        statePath: path,
      });
    const v = await open();
    // What the state file held at the moment each frame reached the client.
    const seen: string[] = [];
    const onDisk = () => {
      try {
        const st = JSON.parse(Deno.readTextFileSync(path));
        return `orders=${st.orders.length} nextTradeId=${st.nextTradeId}`;
      } catch {
        return "no state file";
      }
    };
    const c = v.attach((t) => {
      const f = JSON.parse(t);
      const what = f.event?.e === "executionReport"
        ? `${f.event.x}`
        : f.id !== undefined
        ? `reply ${f.id}`
        : null;
      if (what) seen.push(`${what}: ${onDisk()}`);
    });
    const signed = (p: Record<string, unknown>) => ({ ...p, signature: hmacHex(SECRET, wsPayload(p)) });
    const send = (id: number, method: string, p: Record<string, unknown>) =>
      c.onMessage(JSON.stringify({ id, method, params: signed({ ...p, apiKey: KEY, timestamp: now }) }));
    send(1, "userDataStream.subscribe.signature", {});
    send(2, "order.place", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.01",
      price: "60000",
      newClientOrderId: "crash-1",
    });
    const print = (tradeId: string) =>
      v.onTrade({
        venue: "binance",
        inst: instrument("BTC-USDT"),
        tradeId,
        idNum: 1,
        crossSeq: 1,
        priceTicks: 5_999_000,
        sizeLots: 1_000,
        side: "sell",
        timeMs: now,
      });
    await v.flush();
    print("p1");
    await v.flush();
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(seen, [
      "reply 1: no state file",
      "reply 2: orders=1 nextTradeId=1",
      "NEW: orders=1 nextTradeId=1",
      "TRADE: orders=1 nextTradeId=2",
    ]);
    // Crash: no close(). The reopened venue knows the order and hands out the next trade id.
    const again = await open();
    assert.equal(again.engine.orders.all.map((o) => o.clientOrderId).join(), "crash-1");
    assert.equal(again.engine.nextTradeId, 2);
    await again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
