// The submitter's direct send: with nothing queued and the worker free, an order's `submitted` is
// logged with its intent and made durable by the same sync, then the kill switch is checked again at
// the venue boundary. The journal writes to a GatedFile, so the test holds that sync and acts while
// it is held; the venue is the simulator's private API through the real connector on loopback.
import assert from "node:assert/strict";
import { GatedFile } from "../../testing/gated_file.ts";
import { startConnectorSim } from "../../testing/binance_connector.ts";
import { liveConfig, ordersTruth, SYMBOL, U } from "../../testing/live_loop.ts";
import type { Timers } from "../async/sleep.ts";
import { waitFor } from "../async/poll.ts";
import { OmsBook } from "../oms/book.ts";
import { EventLog } from "../oms/event_log.ts";
import { OmsJournal } from "../oms/journal.ts";
import { ACTIVE_SWITCH, engage } from "../oms/kill_switch.ts";
import { checkLiveConfig } from "./config.ts";
import { LoopCore } from "./core.ts";
import { LoopCounters } from "./counters.ts";
import { Submitter } from "./submitter.ts";

async function withSubmitter(
  body: (x: { core: LoopCore; sub: Submitter; file: GatedFile; truth: () => unknown[] }) => Promise<void>,
) {
  const s = await startConnectorSim();
  const dir = Deno.makeTempDirSync({ prefix: "tp_submitter_" });
  try {
    const now = () => s.t.sim.clock.nowMs();
    const core = new LoopCore(checkLiveConfig(liveConfig(dir)), {
      venue: s.spot,
      now,
      timers: s.timers as unknown as Timers,
      logger: () => {},
    }, new LoopCounters(() => {}));
    const file = new GatedFile({ hold: true });
    core.journal = new OmsJournal(new OmsBook(), new EventLog("mem", file, { now }), "t1");
    core.killSwitch = ACTIVE_SWITCH;
    core.lastClose.set(SYMBOL, { price: 60_000 * U, closeTimeMs: now() });
    await body({ core, sub: new Submitter(core), file, truth: () => ordersTruth(s) });
  } finally {
    await s.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

const buy = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U } as const;
const lines = (f: GatedFile) =>
  f.writes.map((w) => new TextDecoder().decode(w).trim().split("\n").map((l) => JSON.parse(l)));

Deno.test("direct send: intent and submitted in one write and one sync, then the order is placed", async () => {
  await withSubmitter(async ({ core, sub, file, truth }) => {
    const res = sub.submit(buy, "c-1");
    await waitFor("the intent's sync", () => file.waiting > 0, { everyMs: 1 });
    assert.deepEqual(
      lines(file).map((w) => w.map((r) => [r.type, r.data.event?.kind ?? r.data.order.clientOrderId])),
      [[["order_intent", "t1-1"], ["order_event", "submitted"]]],
    );
    file.release();
    assert.deepEqual(await res, { ok: true, clientOrderId: "t1-1" });
    assert.equal(core.j.book.order("t1-1")?.state, "SUBMITTED");
    await sub.idle();
    // The ack is applied once written: no sync of its own (the next durable record's covers it).
    assert.deepEqual([core.j.book.order("t1-1")?.state, file.writes.length, file.syncs], ["ACCEPTED", 2, 1]);
    assert.deepEqual(truth().map((o) => (o as { clientOrderId: string }).clientOrderId), ["t1-1"]);
  });
});

Deno.test("direct send: halted while the intent's sync runs, the order never leaves and is rejected as never placed", async () => {
  await withSubmitter(async ({ core, sub, file, truth }) => {
    const res = sub.submit(buy, "c-1");
    await waitFor("the intent's sync", () => file.waiting > 0, { everyMs: 1 });
    core.killSwitch = engage(core.ks, { atMs: core.now(), action: "engage", reason: "stop", by: "test" });
    file.release();
    assert.deepEqual(await res, { ok: true, clientOrderId: "t1-1" });
    await waitFor("the rejection's sync", () => file.waiting > 0, { everyMs: 1 });
    file.release();
    await sub.idle();
    const o = core.j.book.order("t1-1")!;
    assert.deepEqual([o.state, o.reason], [
      "REJECTED",
      "never placed, not sent: TRADING_HALTED: kill switch HALTED: stop",
    ]);
    assert.deepEqual(truth(), [], "nothing reached the venue");
  });
});

Deno.test("while the worker is held for a direct order, the next intents queue and share the following sync", async () => {
  await withSubmitter(async ({ core, sub, file }) => {
    const first = sub.submit(buy, "c-1");
    await waitFor("the first sync", () => file.waiting > 0, { everyMs: 1 });
    const more = [sub.submit(buy, "c-2"), sub.submit(buy, "c-3")];
    await waitFor("both intents appended", () => core.j.log.lastSeq === 4, { everyMs: 1 });
    file.release();
    await first;
    await waitFor("the second sync", () => file.waiting > 0, { everyMs: 1 });
    assert.deepEqual(lines(file)[1].map((r) => [r.type, r.data.order?.clientOrderId]), [
      ["order_intent", "t1-2"],
      ["order_intent", "t1-3"],
    ]);
    file.release();
    assert.deepEqual((await Promise.all(more)).map((r) => r.ok), [true, true]);
    // Each queued order goes by the worker: its own `submitted`, durable before its request.
    for (const id of ["t1-1", "t1-2", "t1-3"]) {
      await waitFor(`${id} acked`, () => {
        if (file.waiting > 0) file.release();
        return core.j.book.order(id)?.state === "ACCEPTED";
      });
    }
    while (file.waiting > 0) file.release();
    await sub.idle();
  });
});

Deno.test("a failed intent sync: the submit rejects with the error, the order is never sent", async () => {
  await withSubmitter(async ({ core, sub, file, truth }) => {
    file.failNext = new Error("EIO");
    const res = assert.rejects(sub.submit(buy, "c-1"), /EIO/);
    await waitFor("the intent's sync", () => file.syncs === 1, { everyMs: 1 });
    await res;
    await sub.idle();
    assert.deepEqual([core.blockedReason(), core.j.book.has("t1-1"), truth()], [
      "event log failed: EIO",
      false,
      [],
    ]);
  });
});
