// The crash-point proof's case for an order queued but never sent (crash point after_queued_intent): the
// path the idle loop's one-fsync send (intent and `submitted` together) no longer reaches by a plain kill.
import { waitForValue } from "../async/poll.ts";
import { type Case, fail, place, priceAtoms, settled, startReady, truthLines } from "./live_steps.ts";

/**
 * Kill -9 with an order queued, never sent: a first order waits out a 429's Retry-After (the worker is
 * busy), so the second is queued (intent durable, no `submitted`); the loop dies when the worker takes it.
 * The warm start re-queues it with its client id: placed once, after the restart.
 */
export const crashQueued: Case = async (c, name) => {
  await c.rig.stopLoop();
  await startReady(c, "after_queued_intent");
  // One 429 with a Retry-After long enough to queue the second order behind the first's wait.
  await c.rig.chaos({ storm429: { calls: 1, retryAfterS: 3 } });
  const first = await place(c, `${name}_busy`);
  if (!first?.ok) fail(`the first order answered ${JSON.stringify(first)}`);
  const busy = String(first.clientOrderId);
  // The venue's word that it answered the first order 429: the loop now waits out the Retry-After.
  await waitForValue(`the venue's 429 to ${busy}`, async () => {
    const log = await Deno.readTextFile(c.rig.path("venue/chaos_log.jsonl")).catch(() => "");
    return log.split("\n").some((l) =>
        l.includes('"kind":"storm_429"') && l.includes(`"clientOrderId":"${busy}"`)
      )
      ? true
      : undefined;
  }, { timeoutMs: 20_000, everyMs: 20 });
  // A marketable limit (it fills at once): the warm start's risk check of a re-queued order has its own
  // price when no bar has reached the new process yet, where a market order would have none.
  const r = await place(c, name, { type: "LIMIT", price: priceAtoms(c.price * 1.2) });
  if (!r?.ok) fail(`the queued order answered ${JSON.stringify(r)}`);
  const id = String(r.clientOrderId);
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
  const log = await Deno.readTextFile(c.rig.path(`loop/loop_${warm}.log`)).catch(() => "");
  const requeued = log.split("\n").some((l) =>
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
