// The crash-point proof's case for an order queued but never sent (crash point after_queued_intent): the
// path the idle loop's one-fsync send (intent and `submitted` together) no longer reaches by a plain kill.
import { PLACE_ROUTE } from "../sim/trading/trading_chaos.ts";
import { fileLines, untilLine } from "./file_lines.ts";
import {
  type Case,
  chaosLogPath,
  fail,
  type MatrixCtx,
  orders,
  place,
  priceAtoms,
  settled,
  startReady,
  truthLines,
} from "./live_steps.ts";

/**
 * The first order's wait, which the second order's admission must beat: milliseconds on an idle machine,
 * yet a 3 s wait once left only 6 ms to spare on a loaded one. queuedBehind says at once if it lost.
 */
const RETRY_AFTER_S = 10;

/**
 * Kill -9 with an order queued, never sent: a first order waits out a 429's Retry-After (the worker is
 * busy), so the second is queued (intent durable, no `submitted`); the loop dies when the worker takes it.
 * The warm start re-queues it with its client id: placed once, after the restart.
 */
export const crashQueued: Case = async (c, name) => {
  await c.rig.stopLoop();
  await startReady(c, "after_queued_intent");
  // One 429, on the place alone: another call the loop makes meanwhile (a query, a read) cannot take it.
  await c.rig.chaos({ storm429: { calls: 1, retryAfterS: RETRY_AFTER_S, routes: [PLACE_ROUTE] } });
  const first = await place(c, `${name}_busy`);
  if (!first?.ok) fail(`the first order answered ${JSON.stringify(first)}`);
  const busy = String(first.clientOrderId);
  // The venue's word that it answered the first order 429: the loop now waits out the Retry-After.
  await untilLine(chaosLogPath(c), `the venue's 429 to ${busy}`, (l) => {
    return l.includes('"kind":"storm_429"') && l.includes(`"clientOrderId":"${busy}"`);
  });
  // A marketable limit (it fills at once): the warm start's risk check of a re-queued order has its own
  // price when no bar has reached the new process yet, where a market order would have none.
  const r = await place(c, name, { type: "LIMIT", price: priceAtoms(c.price * 1.2) });
  if (!r?.ok) fail(`the queued order answered ${JSON.stringify(r)}`);
  const id = String(r.clientOrderId);
  await queuedBehind(c, busy, id);
  const st = await c.rig.waitCrash();
  if (st.signal !== "SIGKILL") fail(`the loop ended with ${st.signal ?? `code ${st.code}`}, not SIGKILL`);
  const before = await truthLines(c, id);
  if (before.length) fail(`${id} reached the venue before the restart: ${JSON.stringify(before)}`);
  await c.rig.chaos({});
  const warm = c.rig.starts.length + 1;
  await startReady(c);
  const o = await settled(c, name, ["FILLED"]);
  await settled(c, `${name}_busy`, ["FILLED"]);
  await c.rig.call(`health_${name}`, "GET", "/health"); // its reconciliation counts: requeued
  // A child's log file is complete once it exited (lib/proc/child.ts): a clean stop, then the loop's word.
  await c.rig.stopLoop();
  const requeued = (await fileLines(c.rig.path(`loop/loop_${warm}.log`))).some((l) =>
    l.includes('"live_loop.requeue_order"') && l.includes(`"${id}"`) && !l.includes('"phase":"denied"')
  );
  const after = (await truthLines(c, id)).map((l) => l.event);
  if (
    !requeued || o.clientOrderId !== id || after.filter((e) => e === "NEW").length !== 1 ||
    after.includes("REFUSED")
  ) {
    fail(
      `${id}: requeue_order logged ${requeued}, OMS ${o.clientOrderId} ${o.state}, venue ${after.join(",")}`,
    );
  }
  return `killed at after_queued_intent with ${id} queued behind ${busy}; warm start re-queued it (same id), ` +
    `placed once (${after.join(",")}), ${o.state}`;
};

/**
 * The state the case needs, seen right after the second POST: the first order SUBMITTED (waiting out its
 * 429), the second INITIALIZED (queued behind it). Otherwise the race is lost (the second came after the
 * wait, so it went at once and no crash point is reached): the loop is stopped and the case fails now.
 */
async function queuedBehind(c: MatrixCtx, busy: string, id: string): Promise<void> {
  // No answer: the loop is gone, so the worker took the queued order and died at its crash point
  // (waitCrash judges how it ended).
  const seen = await orders(c).catch(() => null);
  if (!seen) return;
  const state = (x: string) => seen.find((o) => o.clientOrderId === x)?.state ?? "not in the OMS";
  if (state(busy) === "SUBMITTED" && state(id) === "INITIALIZED") return;
  await c.rig.chaos({});
  await c.rig.stopLoop();
  fail(
    `race lost: ${busy} is ${
      state(busy)
    } (want SUBMITTED, waiting out the ${RETRY_AFTER_S} s Retry-After), ` +
      `${id} is ${state(id)} (want INITIALIZED, queued behind it)`,
  );
}
