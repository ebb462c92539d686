// The crash-point proof's fault matrix: each case puts an order in flight through the loop's drill API
// at the step it names (a real SIGKILL of `./tp live` at a crash point, or the simulator's execution
// chaos), brings the loop back (warm start) and waits until the OMS settled it. What a case saw is its
// outcome; the gates judge the whole run from the ground truth afterwards.
import { waitForValue } from "../async/poll.ts";
import type { CrashPoint } from "../live/core.ts";
import { startHeld } from "./live_hold.ts";
import { crashQueued } from "./live_queued.ts";
import { ATOMS, SYMBOL } from "./live_rig.ts";
import {
  type Case,
  fail,
  type MatrixCtx,
  orders,
  place,
  priceAtoms,
  restart,
  settled,
  startReady,
  untilTruth,
} from "./live_steps.ts";

export interface CaseOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const restingBuy = (c: MatrixCtx) => ({ type: "LIMIT", price: priceAtoms(c.price * 0.7) });

/** Kill -9 at a step of an order's life, then a warm start settles the order without a second send. */
const crashCase = (point: CrashPoint, end: string): Case => async (c, name) => {
  await c.rig.stopLoop();
  await startReady(c, point);
  // User events held back, so the REST answer is the first word: the kill lands before the stream can
  // log the ack, fill or cancel the step is named before.
  await c.rig.chaos({ tradesBeforeStreamMs: 5_000 });
  if (point === "during_cancel") {
    const r = await place(c, name, restingBuy(c));
    const o = await settled(c, name, ["ACCEPTED"]);
    if (!r?.ok) fail(`place answered ${JSON.stringify(r)}`);
    await c.rig.call(`cancel_${name}`, "DELETE", `/admin/drill/orders?clientOrderId=${o.clientOrderId}`)
      .catch(() => null);
  } else await place(c, name);
  const st = await c.rig.waitCrash();
  if (st.signal !== "SIGKILL") fail(`the loop ended with ${st.signal ?? `code ${st.code}`}, not SIGKILL`);
  await c.rig.chaos({});
  await startReady(c);
  const o = await settled(c, name, [end]);
  return `killed at ${point}; warm start settled ${o.clientOrderId} as ${o.state}`;
};

/** An execution-chaos knob set while one order goes through, then cleared. */
const chaosCase = (
  trading: Record<string, unknown>,
  end: string,
  more: (c: MatrixCtx, id: string) => Promise<void> = async () => {},
): Case =>
async (c, name) => {
  await c.rig.chaos(trading);
  const r = await place(c, name);
  if (!r?.ok) fail(`place answered ${JSON.stringify(r)}`);
  await settled(c, name, ["SUBMITTED", "ACCEPTED", "FILLED", "REJECTED"]);
  await more(c, String(r.clientOrderId));
  await c.rig.chaos({});
  const o = await settled(c, name, [end]);
  return `${Object.keys(trading).join(",")}: ${o.clientOrderId} settled as ${o.state}`;
};

export const CASES: Readonly<Record<string, Case>> = {
  // Intent and `submitted` share one fsync before an idle loop sends: killed after it, the order is
  // "maybe sent", looked up (never re-sent), absent at the venue after the grace, so REJECTED, never placed.
  crash_after_intent: crashCase("after_intent", "REJECTED"),
  crash_after_send: crashCase("after_send", "FILLED"),
  crash_after_ack: crashCase("after_ack", "FILLED"),
  crash_during_cancel: crashCase("during_cancel", "CANCELED"),
  // Queued behind a busy worker, intent durable, `submitted` never logged: provably never sent, so the warm
  // start sends it with the same client id (the path crash_after_intent no longer reaches).
  crash_after_queued_intent: crashQueued,
  lost_ack: chaosCase({ ackLostPlacedRate: 1 }, "FILLED"),
  ack_5xx_unplaced: chaosCase({ ack5xxUnplacedRate: 1 }, "REJECTED"),
  fill_stream_before_trades: chaosCase({ fillStreamBeforeTradesMs: 1500 }, "FILLED", async (c, _id) => {
    await settled(c, "fill_stream_before_trades", ["FILLED"]);
  }),
  storm_429: chaosCase({ storm429: { calls: 3, retryAfterS: 1 } }, "FILLED"),
  user_stream_drop: async (c, name) => {
    await c.rig.chaos({ userStreamDropEveryS: 1 });
    await new Promise((r) => setTimeout(r, 2500));
    await c.rig.chaos({});
    await waitForValue("/health 200 after the stream drops", async () => {
      return (await c.rig.health()).code === 200 ? true : undefined;
    }, { timeoutMs: 30_000, everyMs: 100 });
    const r = await place(c, name);
    if (!r?.ok) fail(`place after the drops answered ${JSON.stringify(r)}`);
    const o = await settled(c, name, ["FILLED"]);
    return `stream dropped every 1 s for 2.5 s; reconnected, ${o.clientOrderId} ${o.state}`;
  },
  orphan_order: async (c, name) => {
    const price = (priceAtoms(c.price * 0.6) / ATOMS).toFixed(2);
    await c.rig.chaos({ orphans: [{ id: "proof1", symbol: SYMBOL, side: "BUY", price, quantity: "0.001" }] });
    await untilTruth(c, "the orphan at the venue", (l) => l.includes('"web_proof1"'));
    await c.rig.chaos({});
    await restart(c);
    const o = await waitForValue("the orphan adopted", async () => {
      return (await orders(c)).find((x) => x.clientOrderId === "web_proof1");
    }, { timeoutMs: 20_000, everyMs: 100 });
    await c.rig.call(`cancel_${name}`, "DELETE", "/admin/drill/orders?clientOrderId=web_proof1");
    const after = (await orders(c)).find((x) => x.clientOrderId === "web_proof1");
    if (o.origin !== "external" || after?.state !== "CANCELED") {
      fail(`web_proof1: ${o.origin}, ${after?.state}`);
    }
    return `web_proof1 adopted (origin ${o.origin}), then canceled: ${after?.state}`;
  },
  order_vanished: async (c, name) => {
    const r = await place(c, name, restingBuy(c));
    if (!r?.ok) fail(`place answered ${JSON.stringify(r)}`);
    const id = String(r.clientOrderId);
    await settled(c, name, ["ACCEPTED"]);
    await c.rig.chaos({ vanishClientOrderIds: [id] });
    await untilTruth(c, `${id} expired at the venue`, (l) => l.includes(`"${id}"`) && l.includes("EXPIRED"));
    await c.rig.chaos({});
    await restart(c);
    const o = await settled(c, name, ["EXPIRED", "CANCELED"]);
    return `${id} vanished at the venue; warm start settled it as ${o.state}`;
  },
  drawdown_kill_switch: async (c, name) => {
    const r = await place(c, `${name}_buy`, { quantity: 50_000_000 });
    if (!r?.ok) fail(`the 0.5 BTC buy answered ${JSON.stringify(r)}`);
    await settled(c, `${name}_buy`, ["FILLED"]);
    c.feed.setClose(c.price * 0.8);
    const tripped = await waitForValue("the kill switch to trip", async () => {
      const k = await c.rig.call("kill_switch_tripped", "GET", "/admin/kill-switch");
      return k.state === "HALTED" ? k : undefined;
    }, { timeoutMs: 20_000, everyMs: 200 });
    await c.rig.stopLoop();
    const s = await startHeld(c.rig);
    await c.rig.sampleHealth(s, (h) => h.code === 503 && h.status === "ready");
    const after = await c.rig.call("kill_switch_after_restart", "GET", "/admin/kill-switch");
    const denied = await place(c, `${name}_halted`);
    c.feed.setClose(c.price);
    const reset = await c.rig.call("kill_switch_reset", "DELETE", "/admin/kill-switch", {
      reason: "proof: drill over",
    });
    await c.rig.sampleHealth(s, (h) => h.code === 200 && h.bar);
    const again = await place(c, `${name}_after_reset`);
    const o = again?.ok ? await settled(c, `${name}_after_reset`, ["FILLED"]) : null;
    if (!o || after.state !== "HALTED" || denied?.ok !== false || reset.state !== "ACTIVE") {
      fail(
        `after restart ${after.state}, reset ${reset.state}, order after reset ${
          o?.state ?? JSON.stringify(again)
        }`,
      );
    }
    return `tripped (${tripped.reason}); after restart ${after.state}; reset -> ${reset.state}; order ${o?.state}`;
  },
};

export const CASE_NAMES = Object.keys(CASES);

/**
 * One market buy that fills before the matrix: the simulator's taker fills against its last trade, and a
 * market too young to have one expires the order; the cases then never depend on that moment.
 */
export async function warmUp(c: MatrixCtx): Promise<void> {
  for (let i = 1; i <= 10; i++) {
    const r = await place(c, `warmup_${i}`);
    if (!r?.ok) throw new Error(`the warm-up order answered ${JSON.stringify(r)}`);
    const o = await settled(c, `warmup_${i}`, ["FILLED", "EXPIRED", "REJECTED", "CANCELED"]);
    if (o.state === "FILLED") return;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error("no warm-up market order filled in 10 tries");
}

/** Runs one case; a throw is that case's failure, and the matrix goes on. */
export async function runCase(c: MatrixCtx, name: string): Promise<CaseOutcome> {
  try {
    if (!c.rig.running) await startReady(c);
    const detail = await CASES[name](c, name);
    return { name, ok: true, detail };
  } catch (err) {
    return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}
