// The crash points (LIVE_CRASH_POINT, `./tp live-verify`) as the submitter reaches them: `after_queued_intent`
// only on the queued path, once the order's intent is durable and before its `submitted` is logged, so a
// crash there leaves an order provably never sent. The hook records instead of killing; the journal writes
// to a GatedFile the test releases; the venue is the simulator's private API through the real connector.
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
import { CRASH_POINTS, type CrashPoint, LoopCore } from "./core.ts";
import { LoopCounters } from "./counters.ts";
import { Submitter } from "./submitter.ts";

const buy = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U } as const;

Deno.test("crash point after_queued_intent: reached by a queued order only, its intent durable, its `submitted` not logged, nothing at the venue", async () => {
  const s = await startConnectorSim({ rest: { timeoutMs: TEST_REST_TIMEOUT_MS } });
  const dir = Deno.makeTempDirSync({ prefix: "tp_crash_point_" });
  try {
    const now = () => s.t.sim.clock.nowMs();
    const file = new GatedFile({ hold: true });
    const seen: string[] = [];
    let atQueued: unknown = null;
    const crashAt = (p: CrashPoint) => {
      seen.push(p);
      if (p !== "after_queued_intent") return;
      const records = new TextDecoder().decode(file.bytes()).trim().split("\n").map((l) => JSON.parse(l));
      atQueued = {
        book: [...core.j.book.orders()].map((o) => `${o.clientOrderId} ${o.state}`),
        t12Records: records.filter((r) => (r.data.order?.clientOrderId ?? r.data.clientOrderId) === "t1-2")
          .map((r) => r.type),
        intentDurable: core.j.log.durableSeq >= 3,
        venue: ordersTruth(s).map((l) => l.clientOrderId),
      };
    };
    const core = new LoopCore(checkLiveConfig(liveConfig(dir), s.spot.requestTimeoutMs), {
      venue: s.spot,
      now,
      timers: s.timers as unknown as Timers,
      logger: () => {},
      crashAt,
    }, new LoopCounters(() => {}));
    core.journal = new OmsJournal(new OmsBook(), new EventLog("mem", file, { now }), "t1");
    core.killSwitch = ACTIVE_SWITCH;
    core.lastClose.set(SYMBOL, { price: 60_000 * U, closeTimeMs: now() });
    const sub = new Submitter(core);

    const first = sub.submit(buy, "c-1"); // direct: its `submitted` shares the intent's sync
    await waitFor("the first sync", () => file.waiting > 0, { everyMs: 1 });
    const second = sub.submit(buy, "c-2"); // the worker is held for t1-1: t1-2 queues
    await waitFor("its intent appended", () => core.j.log.lastSeq === 3, { everyMs: 1 });
    for (const id of ["t1-1", "t1-2"]) {
      await waitFor(`${id} acked`, () => {
        if (file.waiting > 0) file.release();
        return core.j.book.order(id)?.state === "ACCEPTED";
      });
    }
    while (file.waiting > 0) file.release();
    await sub.idle();
    assert.deepEqual((await Promise.all([first, second])).map((r) => r.ok), [true, true]);
    assert.deepEqual(seen, [
      ...["after_intent", "after_send", "after_ack"], // t1-1, sent at once
      ...["after_intent", "after_queued_intent", "after_send", "after_ack"], // t1-2, from the queue
    ]);
    assert.deepEqual(atQueued, {
      book: ["t1-1 ACCEPTED", "t1-2 INITIALIZED"],
      t12Records: ["order_intent"],
      intentDurable: true,
      venue: ["t1-1"],
    });
    assert.ok(CRASH_POINTS.includes("after_queued_intent"), "LIVE_CRASH_POINT accepts it");
  } finally {
    await s.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
