// After a 429 the worker holds the order (held.ts) and sends it again after the wait. Once that request is
// out, and from the turn its answer comes in, the order is no longer held: a cancel goes to the venue.
// `placing` used to be dropped a few microtasks before `resending` was, and a cancel in that gap ended a
// live order locally, "canceled before it was sent", resting at the venue. The cancel here comes at each
// turn from 0 to 8 microtasks after the connector's answer. On the venue simulator over loopback.
import assert from "node:assert/strict";
import {
  assertOmsEqualsTruth,
  limitBuy,
  orderOf,
  startedLoop,
  truthOf,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import { PLACE_ROUTE } from "../sim/trading/trading_chaos.ts";
import type { CancelResult, LiveLoop } from "./loop.ts";

/** Runs `fn` after `depth` microtasks. */
const after = (depth: number, fn: () => void): void =>
  depth === 0 ? fn() : queueMicrotask(() => after(depth - 1, fn));

Deno.test("a cancel in any turn right after a 429 resend's answer: canceled at the venue, never ended locally as unsent", async () => {
  for (let depth = 0; depth <= 8; depth++) {
    let loop: LiveLoop | null = null, armed = false, cancel: Promise<CancelResult> | null = null;
    const taps = {
      afterPlace: (req: { clientOrderId: string }) => {
        if (!armed) return;
        armed = false;
        after(depth, () => cancel = loop!.cancelOrder(VENUE, req.clientOrderId));
      },
    };
    await withLoopRig(async (r) => {
      loop = await startedLoop(r);
      r.s.setTrading({ storm429: { calls: 1, retryAfterS: 30, routes: [PLACE_ROUTE] } });
      assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-1"), {
        ok: true,
        clientOrderId: "t1-1",
      });
      await r.pump("the 429", () => r.named("live_loop.submit_retry").length === 1);
      armed = true;
      r.s.tick(30_000);
      r.s.timers.advance(30_000); // the wait ends: the same id goes again, NEW at the venue
      await r.pump("the cancel", () => cancel !== null);
      const out = await cancel!;
      await loop.idle();
      for (let i = 0; i < 3; i++) await r.step(loop, 2_000);
      const o = orderOf(loop, "t1-1");
      // Before (a depth in the gap): CANCELED "canceled before it was sent", NEW at the venue for good.
      assert.deepEqual([out.ok, o.state, o.reason], [true, "CANCELED", null], `depth ${depth}`);
      assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"], `depth ${depth}`);
      assertOmsEqualsTruth(loop.orders(), r.s);
      assert.deepEqual(loop.snapshot().counters.orders, {
        "BTCUSDT|placed": 1,
        "BTCUSDT|acknowledged": 1,
        "BTCUSDT|canceled": 1,
      });
      await loop.shutdown();
    }, { taps });
  }
});
