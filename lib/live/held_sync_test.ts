// A queued order canceled while the worker logs its `submitted` (held.ts): the order is out of the queue
// and its record not durable yet, so the book still says INITIALIZED. The journal writes to a GatedFile,
// so the test holds that sync and cancels while it is held; the venue is the simulator's private API
// through the real connector on loopback.
import assert from "node:assert/strict";
import { GatedFile } from "../../testing/gated_file.ts";
import { startConnectorSim } from "../../testing/binance_connector.ts";
import { liveConfig, ordersTruth, SYMBOL, TEST_REST_TIMEOUT_MS, U } from "../../testing/live_loop.ts";
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
import { Submitter } from "./submitter.ts";

const buy = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U } as const;
/** The records of the write the held sync covers. */
const lastWrite = (f: GatedFile) =>
  new TextDecoder().decode(f.writes.at(-1)).trim().split("\n").map((l) => JSON.parse(l));

Deno.test("a queued order canceled while its `submitted` sync runs: taken from the worker, CANCELED, never sent", async () => {
  const s = await startConnectorSim({ rest: { timeoutMs: TEST_REST_TIMEOUT_MS } });
  const dir = Deno.makeTempDirSync({ prefix: "tp_held_sync_" });
  const file = new GatedFile({ hold: true });
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
    const first = sub.submit(buy, "c-1");
    await waitFor("the first sync", () => file.waiting > 0, { everyMs: 1 });
    const second = sub.submit(buy, "c-2"); // the worker is held for t1-1: t1-2 queues
    await waitFor("its intent appended", () => core.j.log.lastSeq === 3, { everyMs: 1 });
    file.release();
    await first;
    await waitFor("the second intent's sync", () => file.waiting > 0, { everyMs: 1 });
    file.release();
    assert.deepEqual(await second, { ok: true, clientOrderId: "t1-2" });
    await waitFor("t1-2's submitted sync", () =>
      file.waiting > 0 &&
      lastWrite(file).some((r) => r.data.event?.kind === "submitted" && r.data.clientOrderId === "t1-2"), {
      everyMs: 1,
    });
    // Out of the queue, `submitted` not durable yet: the book still says INITIALIZED.
    assert.deepEqual([core.j.book.order("t1-2")?.state, sub.depth], ["INITIALIZED", 0]);
    const cancel = cancelOrder(core, sub, "t1-2");
    const release = setInterval(() => file.waiting > 0 && file.release(), 1);
    const out = await cancel;
    await sub.idle();
    clearInterval(release);
    // Before: `denied` refused after `submitted`, {ok: true, state: "SUBMITTED"}, and the order was sent.
    assert.deepEqual(out, { ok: true, state: "CANCELED" });
    const o = core.j.book.order("t1-2")!;
    assert.deepEqual([o.state, o.reason], ["CANCELED", "canceled before it was sent"]);
    assert.deepEqual(ordersTruth(s).map((l) => l.clientOrderId), ["t1-1"], "t1-2 never reached the venue");
    assert.deepEqual([core.counters.refusedTransitions, core.counters.view().orders], [0, {
      "BTCUSDT|acknowledged": 1,
      "BTCUSDT|canceled": 1,
      "BTCUSDT|placed": 1,
    }]);
  } finally {
    await s.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
