// Late trades over a real WebSocket: a trade frame picked by lateRate is held lateMs wall ms and
// sent after the frames sent meanwhile (a trade for a bar the client already closed); one still held
// when its connection closes is logged as late_lost. Each injection is one chaos log record.
import assert from "node:assert/strict";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { generateTrades } from "../lib/sim/market.ts";
import { waitFor } from "../lib/async/poll.ts";
import { START_MS, startSim, TestClient } from "./venue_sim_helpers.ts";

async function subscribe(ws: string): Promise<TestClient> {
  const c = await TestClient.connect(`${ws}/binance/ws`);
  c.send({ method: "SUBSCRIBE", params: ["btcusdt@trade", "ethusdt@trade"], id: 1 });
  await c.until((f) => f.includes('"id":1'));
  return c;
}

Deno.test("late trades arrive after every frame sent meanwhile, in their own order; each is logged", async () => {
  const dir = await Deno.makeTempDir();
  const log = JsonlWriter.open(`${dir}/chaos.jsonl`);
  const t = startSim({ venues: ["binance"], chaos: { lateRate: 0.1, lateMs: 50 }, chaosLog: log });
  const c = await subscribe(t.ws);
  try {
    // Every tick sends at once, before any late frame's timer can fire.
    for (let i = 0; i < 20; i++) t.advance(1_000);
    const want = generateTrades(t.market, START_MS + 20_001).filter((x) => x.venue === "binance");
    const got = (await c.take(want.length)).map((f) => String(JSON.parse(f).t));
    log.close();
    const events = (await Deno.readTextFile(`${dir}/chaos.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const late = new Set(events.filter((e) => e.kind === "late").map((e) => e.tradeId as string));
    assert.ok(late.size > 0, "some trades were held back");
    assert.equal(t.sim.chaosLog.counts.late, late.size);
    assert.ok(events.every((e) => e.kind !== "late" || e.delayMs === 50));
    assert.deepEqual(got, [
      ...want.filter((x) => !late.has(x.tradeId)).map((x) => x.tradeId),
      ...want.filter((x) => late.has(x.tradeId)).map((x) => x.tradeId),
    ]);
  } finally {
    await c.close();
    await t.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a late trade still held when its connection closes is logged late_lost", async () => {
  const t = startSim({ venues: ["binance"], chaos: { lateRate: 0.2, lateMs: 60_000 } });
  const c = await subscribe(t.ws);
  try {
    for (let i = 0; i < 10; i++) t.advance(1_000);
    const held = t.sim.chaosLog.counts.late;
    assert.ok(held > 0, "some trades were held back");
    await c.close();
    await waitFor("every held trade logged lost", () => t.sim.chaosLog.counts.late_lost === held, {
      timeoutMs: 10_000,
    });
  } finally {
    await t.stop();
  }
});
