// The live loop (lib/live) on the venue simulator's private API through the real Binance connector over
// loopback (testing/binance_connector.ts): the sim's clock is the loop's clock, the loop's waits (in-flight
// checker, Retry-After, grace) and the user stream's timers are one ManualTimers the test moves, its log
// lines are captured. Also: the loop tests' shared steps (a rig closed whatever happens, a started loop,
// a limit buy, an order by id), a state dir as a crashed run leaves it, and the OMS view against the
// simulator's orders/fills truth files.
import assert from "node:assert/strict";
import { waitFor } from "../lib/async/poll.ts";
import type { Timers } from "../lib/async/sleep.ts";
import type { LiveConfig } from "../lib/live/config.ts";
import { LiveLoop, type OrderSpec } from "../lib/live/loop.ts";
import { runPath } from "../lib/oms/boot.ts";
import { EventLog } from "../lib/oms/event_log.ts";
import type { Order } from "../lib/oms/order.ts";
import type { RiskLimits } from "../lib/oms/risk.ts";
import { type NewOrder, REC } from "../lib/oms/records.ts";
import { formatAtoms } from "../lib/sim/trading/decimal.ts";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { REFUSED_EVENT } from "../lib/sim/trading/truth.ts";
import { type ConnectorSim, type ConnectorSimOptions, startConnectorSim } from "./binance_connector.ts";
import type { Rec } from "./oms_records.ts";
import { tapVenue, type VenueTaps } from "./venue_tap.ts";

export const U = 100_000_000;
export const SYMBOL = "BTCUSDT";
export const VENUE = "binance-spot";
type Row = Record<string, unknown>;

/** Limits the tests trade well inside (1 BTC, 1,000 USDT per order, a 20% collar, 20% drawdown). */
export function riskLimits(more: Partial<RiskLimits> = {}): RiskLimits {
  return {
    maxNotionalPerOrder: 1_000 * U,
    maxPosition: { [SYMBOL]: U },
    maxOpenOrders: 10,
    maxOrdersPerSecond: 10,
    priceCollarBps: 2_000,
    maxBarAgeMs: 3_600_000,
    maxDailyLoss: 1_000 * U,
    maxDrawdownBps: 2_000,
    ...more,
  };
}

/**
 * The test connector's request timeout: under liveConfig's missing grace (3 s), as the loop requires
 * (checkLiveConfig). The grace runs on the test's manual clock, this on the real one, where loopback
 * answers take milliseconds: the rule holds in tests and no test waits longer for it.
 */
export const TEST_REST_TIMEOUT_MS = 2_500;

export function liveConfig(stateDir: string, more: Partial<LiveConfig> = {}): LiveConfig {
  return {
    stateDir,
    mode: "paper",
    tag: "t1",
    symbols: [{ symbol: SYMBOL, base: "BTC", quote: "USDT", lotAtoms: 100 }],
    risk: riskLimits(),
    inflight: { intervalMs: 2_000, thresholdMs: 5_000, retries: 5 },
    missingGraceMs: 3_000,
    flattenOnHalt: false,
    cancelOnShutdown: false,
    ...more,
  };
}

export interface LoopRig {
  readonly s: ConnectorSim;
  readonly dir: string;
  /** Every log line of every loop made here: {level, msg, ...fields}. */
  readonly lines: Row[];
  /** A new loop on the rig's state dir (a restart is a new one). */
  /** `venueAheadMs`: the loop's clock (the venue's, as in production) runs that far ahead of the connector's. */
  make(more?: Partial<LiveConfig>, venueAheadMs?: number): LiveLoop;
  /** Moves the sim's clock (delivering due prints) and the timers on by `ms`, then lets `loop` settle. */
  step(loop: LiveLoop, ms: number): Promise<void>;
  /** Waits for `cond`, firing zero-delay timers (the stream's reconnect) on each look. */
  pump(what: string, cond: () => boolean): Promise<void>;
  /** Log lines named `msg` (a live_loop.* event). */
  named(msg: string): Row[];
  /** Runs `fn` as a line `when` matches is logged (synchronously: a step taken at that exact point). */
  onLine(when: (l: Row) => boolean, fn: (l: Row) => void): void;
  close(): Promise<void>;
}

/** What a rig differs in: chaos, the venue's options (accounts: fees), the connector's fetch, taps. */
export type LoopRigOptions = Pick<ConnectorSimOptions, "venue" | "fetch"> & {
  readonly trading?: ChaosConfig["trading"];
  /** When the loops' place calls go and come back (testing/venue_tap.ts). */
  readonly taps?: VenueTaps;
};

export async function startLoopRig(o: LoopRigOptions = {}): Promise<LoopRig> {
  const s = await startConnectorSim({ ...o, rest: { timeoutMs: TEST_REST_TIMEOUT_MS } });
  const dir = Deno.makeTempDirSync({ prefix: "tp_live_loop_" });
  const lines: Row[] = [];
  const loops: LiveLoop[] = [];
  const hooks: { when: (l: Row) => boolean; fn: (l: Row) => void }[] = [];
  const pump = (what: string, cond: () => boolean) =>
    waitFor(what, () => (s.timers.advance(0), cond()), { timeoutMs: 10_000, everyMs: 5 });
  return {
    s,
    dir,
    lines,
    make: (more = {}, venueAheadMs = 0) => {
      const loop = new LiveLoop(liveConfig(dir, more), {
        venue: o.taps ? tapVenue(s.spot, o.taps) : s.spot,
        now: () => s.t.sim.clock.nowMs() + venueAheadMs,
        // Liveness ages on the same manual wall: the test moves both.
        localMs: () => s.t.sim.clock.nowMs(),
        timers: s.timers as unknown as Timers,
        logger: (level, msg, fields) => {
          const l = { level, msg, ...fields };
          lines.push(l);
          for (const h of hooks) if (h.when(l)) h.fn(l);
        },
      });
      loops.push(loop);
      return loop;
    },
    step: async (loop, ms) => {
      s.tick(ms);
      s.timers.advance(ms);
      await loop.idle();
    },
    pump,
    named: (msg) => lines.filter((l) => l.msg === msg),
    onLine: (when, fn) => void hooks.push({ when, fn }),
    close: async () => {
      for (const l of loops) if (l.snapshot().status !== "stopped") await l.abandon();
      await s.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** Runs `body` on a new rig and closes the rig whatever happens. */
export async function withLoopRig(
  body: (r: LoopRig) => Promise<void>,
  o: LoopRigOptions = {},
): Promise<void> {
  const r = await startLoopRig(o);
  try {
    await body(r);
  } finally {
    await r.close();
  }
}

/** A new loop started (warm) and ready, a close of 60000 at the sim's now as its mark, its stream up. */
export async function startedLoop(r: LoopRig, more: Partial<LiveConfig> = {}): Promise<LiveLoop> {
  const loop = r.make(more);
  const v = await loop.start();
  assert.equal(v.status, "ready", `started: ${v.reason}`);
  await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
  await r.pump("stream up", () => loop.snapshot().stream.state === "up");
  return loop;
}

/** A LIMIT buy of `qty` atoms (default 0.001 BTC) at `price` USDT. */
export const limitBuy = (price: number, qty = U / 1000): OrderSpec => ({
  symbol: SYMBOL,
  side: "BUY",
  type: "LIMIT",
  quantity: qty,
  price: price * U,
});

/**
 * The loop's order with this client id. Typed as present, as the tests read it once it is; until then it
 * is undefined, so a test waiting for it to appear reads it with `?.`.
 */
export const orderOf = (loop: LiveLoop, id: string): Order =>
  loop.orders().find((o) => o.clientOrderId === id)!;

/** A run's log as a crash leaves it: run_start, the records, no clean-end marker. */
export async function crashedRun(dir: string, run: number, recs: readonly Rec[]): Promise<void> {
  const log = await EventLog.create(runPath(dir, run), { now: () => 0 });
  await log.append(REC.runStart, { runId: `t1-run${run}`, tag: "t1" });
  for (const r of recs) await log.append(r.type, r.data, r.corr ?? null);
  log.abandon();
}

/**
 * Test-only setup of what a lost cancel leaves: `order` placed at the venue through the connector (a
 * LIMIT resting there), whatever the state dir's log says of it (the caller writes that: crashedRun).
 * Returns its venue order id.
 */
export async function restingAtVenue(r: LoopRig, order: NewOrder): Promise<number> {
  const out = await r.s.spot.place({
    symbol: order.symbol,
    side: order.side,
    type: "LIMIT",
    timeInForce: "GTC",
    clientOrderId: order.clientOrderId,
    quantity: formatAtoms(order.quantity),
    price: formatAtoms(order.price!),
  });
  assert.ok(out.kind === "confirmed" && out.value.status === "NEW", `placed ${order.clientOrderId}`);
  return out.value.orderId;
}

const jsonl = (path: string): Row[] =>
  Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
export const ordersTruth = (s: ConnectorSim) => jsonl(`${s.dir}/orders.jsonl`);
export const fillsTruth = (s: ConnectorSim) => jsonl(`${s.dir}/fills.jsonl`);
/** The simulator's truth lines of one client order id, as `<event> <status>`. */
export const truthOf = (r: LoopRig, id: string) =>
  ordersTruth(r.s).filter((l) => l.clientOrderId === id).map((l) => `${l.event} ${l.status}`);
export const chaosTruth = (s: ConnectorSim) =>
  jsonl(`${s.dir}/chaos.jsonl`).filter((l) => l.kind !== "config");

const atoms = (d: string) => Number(BigInt(d.replace(".", "")));
const STATE: Record<string, string> = {
  NEW: "ACCEPTED",
  PARTIALLY_FILLED: "PARTIALLY_FILLED",
  FILLED: "FILLED",
  CANCELED: "CANCELED",
  EXPIRED: "EXPIRED",
};

/**
 * The OMS equals the simulator's ground truth: every venue order (its last truth line) is one OMS order
 * with its venue id, state and filled quantity; every venue fill is in exactly one OMS order, once;
 * the OMS knows no fill the venue does not. A REFUSED line (a place refused for a client id an open order
 * holds) changed no order: never read as the order's state.
 */
export function assertOmsEqualsTruth(orders: readonly Order[], s: ConnectorSim): void {
  const last = new Map<string, Row>();
  for (const l of ordersTruth(s)) if (l.event !== REFUSED_EVENT) last.set(l.clientOrderId as string, l);
  const byId = new Map(orders.map((o) => [o.clientOrderId, o]));
  for (const [id, t] of last) {
    const o = byId.get(id);
    assert.ok(o, `venue order ${id} is in the OMS`);
    assert.deepEqual(
      [o.venueOrderId, o.state, o.filledQty],
      [t.orderId, STATE[t.status as string], atoms(t.executedQty as string)],
      `order ${id}`,
    );
  }
  const omsTrades = orders.flatMap((o) => o.tradeIds.map((t) => `${o.venueOrderId}:${t}`)).sort();
  const venueTrades = fillsTruth(s).map((f) => `${f.orderId}:${f.id}`).sort();
  assert.deepEqual(omsTrades, venueTrades, "every venue fill recorded exactly once");
}
