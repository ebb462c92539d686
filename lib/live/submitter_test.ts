// The submitter's direct send: with nothing queued and the worker free, an order's `submitted` is
// logged with its intent and made durable by the same sync, then the kill switch is checked again at
// the venue boundary. The journal writes to a GatedFile, so the test holds that sync and acts while
// it is held; the venue is the simulator's private API through the real connector on loopback.
import assert from "node:assert/strict";
import { GatedFile } from "../../testing/gated_file.ts";
import { type ConnectorSim, startConnectorSim } from "../../testing/binance_connector.ts";
import { liveConfig, ordersTruth, SYMBOL, TEST_REST_TIMEOUT_MS, U } from "../../testing/live_loop.ts";
import type { Timers } from "../async/sleep.ts";
import { waitFor } from "../async/poll.ts";
import { OmsBook } from "../oms/book.ts";
import { EventLog } from "../oms/event_log.ts";
import { OmsJournal } from "../oms/journal.ts";
import { ACTIVE_SWITCH, engage } from "../oms/kill_switch.ts";
import { checkLiveConfig } from "./config.ts";
import { LoopCore } from "./core.ts";
import { EV, LoopCounters } from "./counters.ts";
import { checkInflight } from "./inflight.ts";
import { Submitter } from "./submitter.ts";

async function withSubmitter(
  body: (
    x: { core: LoopCore; sub: Submitter; file: GatedFile; truth: () => unknown[]; sim: ConnectorSim },
  ) => Promise<void>,
  fetchFn?: typeof fetch,
) {
  const s = await startConnectorSim({ fetch: fetchFn, rest: { timeoutMs: TEST_REST_TIMEOUT_MS } });
  const dir = Deno.makeTempDirSync({ prefix: "tp_submitter_" });
  try {
    const now = () => s.t.sim.clock.nowMs();
    const core = new LoopCore(checkLiveConfig(liveConfig(dir), s.spot.requestTimeoutMs), {
      venue: s.spot,
      now,
      timers: s.timers as unknown as Timers,
      logger: () => {},
    }, new LoopCounters(() => {}));
    const file = new GatedFile({ hold: true });
    core.journal = new OmsJournal(new OmsBook(), new EventLog("mem", file, { now }), "t1");
    core.killSwitch = ACTIVE_SWITCH;
    core.lastClose.set(SYMBOL, { price: 60_000 * U, closeTimeMs: now() });
    await body({ core, sub: new Submitter(core), file, truth: () => ordersTruth(s), sim: s });
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
    assert.deepEqual(core.counters.view().orders, { "BTCUSDT|acknowledged": 1, "BTCUSDT|placed": 1 });
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
    // `placed` counts what left: this order never did.
    assert.deepEqual(core.counters.view().orders, { "BTCUSDT|rejected": 1 });
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

const ids = (truth: () => unknown[]) => truth().map((o) => (o as { clientOrderId: string }).clientOrderId);
/** Waits for the held sync whose write holds `id`'s `submitted` record. */
const atSubmittedSync = (file: GatedFile, id: string) =>
  waitFor(`${id}'s submitted sync`, () =>
    file.waiting > 0 &&
    lines(file).at(-1)!.some((r) => r.data.event?.kind === "submitted" && r.data.clientOrderId === id), {
    everyMs: 1,
  });

Deno.test("queued send: halted while its `submitted` sync runs, the order never leaves and is rejected as never placed", async () => {
  await withSubmitter(async ({ core, sub, file, truth }) => {
    const first = sub.submit(buy, "c-1");
    await waitFor("the first sync", () => file.waiting > 0, { everyMs: 1 });
    const second = sub.submit(buy, "c-2"); // the worker is held for t1-1: t1-2 queues
    await waitFor("its intent appended", () => core.j.log.lastSeq === 3, { everyMs: 1 });
    file.release();
    await first;
    await waitFor("the second intent's sync", () => file.waiting > 0, { everyMs: 1 });
    file.release();
    assert.deepEqual(await second, { ok: true, clientOrderId: "t1-2" });
    await atSubmittedSync(file, "t1-2");
    core.killSwitch = engage(core.ks, { atMs: core.now(), action: "engage", reason: "stop", by: "test" });
    file.release();
    await waitFor("the rejection's sync", () => file.waiting > 0, { everyMs: 1 });
    file.release();
    await sub.idle();
    const o = core.j.book.order("t1-2")!;
    assert.deepEqual([o.state, o.reason], [
      "REJECTED",
      "never placed, not sent: TRADING_HALTED: kill switch HALTED: stop",
    ]);
    assert.deepEqual(ids(truth), ["t1-1"], "only the first order reached the venue");
    assert.equal(core.counters.view().orders["BTCUSDT|placed"], 1);
  });
});

Deno.test("direct send: a reconciliation begun during the intent's sync holds the order (never sent) until it ends", async () => {
  await withSubmitter(async ({ core, sub, file, truth }) => {
    const res = sub.submit(buy, "c-1");
    await waitFor("the intent's sync", () => file.waiting > 0, { everyMs: 1 });
    core.reconciling = true; // the stream dropped and came back: its reconciliation runs
    file.release();
    assert.deepEqual(await res, { ok: true, clientOrderId: "t1-1" });
    await sub.idle();
    // Held: SUBMITTED on record but provably not sent, so reconciliation and the checker leave it alone.
    assert.deepEqual([core.j.book.order("t1-1")?.state, core.heldBySender("t1-1"), truth()], [
      "SUBMITTED",
      true,
      [],
    ]);
    core.reconciling = false;
    sub.kick();
    await waitFor("t1-1 acked", () => core.j.book.order("t1-1")?.state === "ACCEPTED", { everyMs: 1 });
    await sub.idle();
    assert.deepEqual([ids(truth), core.heldBySender("t1-1"), sub.depth], [["t1-1"], false, 0]);
  });
});

Deno.test("a place still waiting for its answer is not looked up: the in-flight checker cannot reject a live order", async () => {
  let release = () => {};
  const held = new Promise<void>((r) => release = r);
  let placeOut = false;
  // The place request (POST /order) is held on its way to the venue, as a slow network would.
  const slow: typeof fetch = async (input, init) => {
    if (init?.method === "POST" && String(input).includes("/api/v3/order")) {
      placeOut = true;
      await held;
    }
    return fetch(input, init);
  };
  await withSubmitter(
    async ({ core, sub, file, truth, sim }) => {
      const res = sub.submit(buy, "c-1");
      await waitFor("the intent's sync", () => file.waiting > 0, { everyMs: 1 });
      file.release();
      await res;
      await waitFor("the place request out", () => placeOut, { everyMs: 1 });
      // Past the threshold (5 s) and then the grace (3 s): without the skip, not_found twice -> REJECTED
      // (its record's sync released here, so a wrong rejection fails the assertion, not a timeout).
      const syncs = setInterval(() => file.waiting > 0 && file.release(), 1);
      for (const ms of [6_000, 4_000]) {
        sim.tick(ms);
        await checkInflight(core);
      }
      clearInterval(syncs);
      const state = core.j.book.order("t1-1")?.state;
      release(); // first: a failed assertion must not leave the request (and the sim's close) hanging
      assert.equal(state, "SUBMITTED");
      await waitFor("t1-1 acked", () => core.j.book.order("t1-1")?.state === "ACCEPTED", { everyMs: 1 });
      await sub.idle();
      assert.deepEqual([ids(truth), core.counters.view().events[EV.inflight] ?? 0], [["t1-1"], 0]);
    },
    slow,
  );
});
