// A never-sent order canceled just as the warm start's reconciliation ends: the cancel's end is appended
// but not yet in the book (its record still syncing) when the reconciliation queues the never-sent orders
// again. The order must not be sent: the requeue skips an order being ended (held.ts), and the worker
// does not send one whose `submitted` the OMS refuses. On the venue simulator over loopback.
import assert from "node:assert/strict";
import { startConnectorSim } from "../../testing/binance_connector.ts";
import { GatedFile } from "../../testing/gated_file.ts";
import { intent, newOrder } from "../../testing/oms_records.ts";
import {
  crashedRun,
  liveConfig,
  orderOf,
  ordersTruth,
  SYMBOL,
  TEST_REST_TIMEOUT_MS,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import type { Timers } from "../async/sleep.ts";
import { waitFor } from "../async/poll.ts";
import { OmsBook } from "../oms/book.ts";
import { EventLog } from "../oms/event_log.ts";
import { OmsJournal } from "../oms/journal.ts";
import { ACTIVE_SWITCH } from "../oms/kill_switch.ts";
import { checkLiveConfig } from "./config.ts";
import { LoopCore } from "./core.ts";
import { LoopCounters } from "./counters.ts";
import { cancelOrder } from "./inflight.ts";
import type { CancelResult } from "./loop.ts";
import { Submitter } from "./submitter.ts";

Deno.test("a queued order canceled as the warm start's reconciliation ends: CANCELED, never sent; a warm start agrees", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 1, [intent("t1-1", 1, { price: 50_000 * U, quantity: U / 1000 })]);
    const loop = r.make();
    let cancel: Promise<CancelResult> | null = null;
    // An operator's cancel (cancels pass a reconciliation), in the very turn it reports done.
    r.onLine(
      (l) => l.msg === "live_loop.reconciliation" && l.phase === "done",
      () => cancel ??= loop.cancelOrder(VENUE, "t1-1"),
    );
    assert.equal((await loop.start()).status, "ready");
    const out = await cancel;
    await loop.idle();
    for (let i = 0; i < 3; i++) await r.step(loop, 2_000);
    // Before: DENIED in the book, yet queued again and sent: NEW at the venue, its fills refused (lost).
    assert.deepEqual(ordersTruth(r.s), [], "never reached the venue");
    assert.deepEqual(out, { ok: true, state: "CANCELED" });
    const o = orderOf(loop, "t1-1");
    assert.deepEqual([o.state, o.reason], ["CANCELED", "canceled before it was sent"]);
    assert.deepEqual(r.named("live_loop.transition_refused"), []);
    assert.deepEqual(loop.snapshot().counters.orders, { "BTCUSDT|canceled": 1 });
    assert.deepEqual(await loop.shutdown(), { open: [], queued: [] });
    const again = r.make();
    const v = await again.start();
    await again.idle();
    assert.deepEqual([v.status, v.reconciliation.last, v.queueDepth], ["ready", { succeeded: 1 }, 0]);
    assert.deepEqual(again.orders(), loop.orders());
    await again.shutdown();
  });
});

Deno.test("the worker never sends an order whose `submitted` the OMS refuses (queued again while its cancel syncs)", async () => {
  const s = await startConnectorSim({ rest: { timeoutMs: TEST_REST_TIMEOUT_MS } });
  const dir = Deno.makeTempDirSync({ prefix: "tp_requeue_cancel_" });
  const file = new GatedFile({ hold: true });
  // Every sync the test lets through, as they come.
  const release = setInterval(() => file.waiting > 0 && file.release(), 1);
  try {
    const now = () => s.t.sim.clock.nowMs();
    const core = new LoopCore(checkLiveConfig(liveConfig(dir), s.spot.requestTimeoutMs), {
      venue: s.spot,
      now,
      timers: s.timers as unknown as Timers,
      logger: () => {},
    }, new LoopCounters(() => {}));
    core.journal = new OmsJournal(new OmsBook(), new EventLog("mem", file, { now }), "t1");
    core.killSwitch = ACTIVE_SWITCH;
    core.lastClose.set(SYMBOL, { price: 60_000 * U, closeTimeMs: now() });
    const sub = new Submitter(core);
    // A never-sent intent, as a boot finds one (no worker has it).
    await core.j.intent(newOrder("t1-1", { price: 50_000 * U, quantity: U / 1000 }), 1);
    clearInterval(release);
    const cancel = cancelOrder(core, sub, "t1-1"); // its end appended, its sync held: the book lags
    await waitFor("the cancel's sync", () => file.waiting > 0, { everyMs: 1 });
    sub.enqueue("t1-1"); // what a requeue that read the book now would do: the worker takes it
    await waitFor("its `submitted` appended", () => core.j.log.lastSeq === 3, { everyMs: 1 });
    while (file.waiting > 0) file.release();
    const held = setInterval(() => file.waiting > 0 && file.release(), 1);
    let out;
    try {
      out = await cancel;
      await sub.idle();
    } finally {
      clearInterval(held);
    }
    // Before: `submitted` was refused (the order ended first) and the order was sent all the same.
    assert.deepEqual(ordersTruth(s), [], "never reached the venue");
    assert.deepEqual(out, { ok: true, state: "CANCELED" });
    assert.equal(core.j.book.order("t1-1")!.state, "CANCELED");
    assert.deepEqual([core.counters.refusedTransitions, core.counters.view().orders], [1, {
      "BTCUSDT|canceled": 1,
    }]);
  } finally {
    clearInterval(release);
    await s.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
