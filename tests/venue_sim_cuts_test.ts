// Planned cuts as the real venues send them, over real WebSockets with a hand-driven wall clock:
// Binance serverShutdown and OKX notice 64008 first, data still flowing during the notice period,
// the close (1001) only once cutNoticeS has passed; and the venue's own maximum connection age.
import assert from "node:assert/strict";
import { startSim, TestClient, type TestSim } from "./venue_sim_helpers.ts";

async function binanceClient(t: TestSim): Promise<TestClient> {
  const c = await TestClient.connect(`${t.ws}/binance/ws`);
  c.send({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 1 });
  await c.until((f) => f.includes('"id":1'));
  return c;
}

async function okxClient(t: TestSim): Promise<TestClient> {
  const c = await TestClient.connect(`${t.ws}/okx/ws/v5/public`);
  c.send({ op: "subscribe", args: [{ channel: "trades", instId: "BTC-USDT" }] });
  await c.until((f) => f.includes('"event":"subscribe"'));
  return c;
}

/** Sends a text ping that only OKX answers, then reads to its pong: every frame sent before it. */
async function fence(c: TestClient, venue: "binance" | "okx"): Promise<string[]> {
  if (venue === "okx") {
    c.send("ping");
    return (await c.until((f) => f === "pong")).slice(0, -1);
  }
  c.send({ method: "LIST_SUBSCRIPTIONS", id: 99 });
  return (await c.until((f) => f.includes('"id":99'))).slice(0, -1);
}

Deno.test("sim cut with notice: serverShutdown / 64008 first, data until cutNoticeS has passed, then 1001", async () => {
  const t = startSim({ venues: ["binance", "okx"], chaos: { cutEveryS: 60, cutNoticeS: 30 } });
  const bin = await binanceClient(t);
  const okx = await okxClient(t);
  try {
    await fence(okx, "okx"); // drop the replayed trade
    t.advance(60_000); // both connections are 60 s old: the notices go out
    const binNotice = (await fence(bin, "binance")).filter((f) => f.includes("serverShutdown"));
    assert.equal(binNotice.length, 1);
    const okxNotice = (await fence(okx, "okx")).map((f) => JSON.parse(f)).filter((m) => m.event === "notice");
    assert.deepEqual(okxNotice.map((m) => m.code), ["64008"]);
    assert.equal(t.sim.chaosLog.counts.cut, 2);

    t.advance(29_000); // still within the notice period: open, trades flowing, no second notice
    const during = await fence(bin, "binance");
    assert.ok(
      during.length > 0 && during.every((f) => f.includes('"e":"trade"')),
      "trades during the notice",
    );
    assert.equal(okx.ws.readyState, WebSocket.OPEN);
    assert.equal(t.sim.chaosLog.counts.cut, 2);

    t.advance(1_000);
    assert.deepEqual([(await bin.closed).code, (await okx.closed).code], [1001, 1001]);
    assert.equal((await bin.closed).reason, "serverShutdown");
  } finally {
    await bin.close();
    await okx.close();
    await t.stop();
  }
});

Deno.test("sim max connection age: closed 1001 without a notice, counted as max_age", async () => {
  const t = startSim({ venues: ["binance"], chaos: { maxAgeS: 120 } });
  const bin = await binanceClient(t);
  try {
    t.advance(119_000);
    await fence(bin, "binance");
    assert.equal(bin.ws.readyState, WebSocket.OPEN);
    t.advance(1_000);
    const close = await bin.closed;
    assert.deepEqual([close.code, close.reason], [1001, "connection max age"]);
    assert.ok(bin.frames.every((f) => !f.includes("serverShutdown")));
    assert.deepEqual([t.sim.chaosLog.counts.max_age, t.sim.chaosLog.counts.cut], [1, undefined]);
  } finally {
    await bin.close();
    await t.stop();
  }
});
