// The crash-point proof's steps over the loop and the simulator: the drill API's orders (place, list,
// wait until settled), loop starts sampled on /health, the venue's orders truth as the cases read it.
import { waitForValue } from "../async/poll.ts";
import type { CrashPoint } from "../live/core.ts";
import { fileLines, untilLine } from "./file_lines.ts";
import { startHeld } from "./live_hold.ts";
import { ATOMS, type LiveRig, SYMBOL } from "./live_rig.ts";
import type { ProofFeed } from "./live_feed.ts";

export interface MatrixCtx {
  readonly rig: LiveRig;
  readonly feed: ProofFeed;
  /** The simulator's last price (quote units). */
  readonly price: number;
}

export type Order = { clientOrderId: string; correlationId: string; state: string; origin: string };
export type Case = (c: MatrixCtx, name: string) => Promise<string>;

const TICK = 1_000_000;
export const priceAtoms = (p: number) => Math.round(p * ATOMS / TICK) * TICK;
const SMALL = 100_000; // 0.001 BTC

export async function orders(c: MatrixCtx, save?: string): Promise<Order[]> {
  const r = await c.rig.call(save ?? "last_orders", "GET", "/admin/drill/orders");
  return r.orders as Order[];
}

/** Waits until the order with this correlation id is in one of `states`. */
export async function settled(c: MatrixCtx, corr: string, states: readonly string[]): Promise<Order> {
  let last = "not in the OMS";
  try {
    return await waitForValue(`order ${corr} to be ${states.join("|")}`, async () => {
      const o = (await orders(c)).find((x) => x.correlationId === corr);
      if (o) last = `${o.clientOrderId} ${o.state}`;
      return o && states.includes(o.state) ? o : undefined;
    }, { timeoutMs: 30_000, everyMs: 100 });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err} (last seen: ${last})`);
  }
}

/** Places a drill order; a loop killed mid-request answers nothing (null). */
export async function place(
  c: MatrixCtx,
  corr: string,
  o: { side?: string; type?: string; quantity?: number; price?: number | null } = {},
): Promise<Record<string, unknown> | null> {
  const body = {
    symbol: SYMBOL,
    side: o.side ?? "BUY",
    type: o.type ?? "MARKET",
    quantity: o.quantity ?? SMALL,
    price: o.price ?? null,
    correlationId: corr,
  };
  try {
    return await c.rig.call(`drill_${corr}`, "POST", "/admin/drill/orders", body);
  } catch {
    return null;
  }
}

/** A loop start sampled until /health is 200 (the starts' samples judge the 503-then-200 gate). */
export async function startReady(c: MatrixCtx, crash: CrashPoint | null = null): Promise<void> {
  const s = await startHeld(c.rig, crash);
  await c.rig.sampleHealth(s, (h) => h.code === 200 && h.bar);
}

export async function restart(c: MatrixCtx): Promise<void> {
  await c.rig.stopLoop();
  await startReady(c);
}

/** The simulator's files the cases read (its orders truth, its chaos log). */
export const truthPath = (c: MatrixCtx) => c.rig.path("venue/orders_truth.jsonl");
export const chaosLogPath = (c: MatrixCtx) => c.rig.path("venue/chaos_log.jsonl");

/** Waits until a line of the venue's orders truth passes `test`. */
export const untilTruth = (c: MatrixCtx, what: string, test: (line: string) => boolean) =>
  untilLine(truthPath(c), what, test);

/** The venue's orders-truth lines of one client id. */
export const truthLines = async (c: MatrixCtx, id: string) =>
  (await fileLines(truthPath(c))).filter((l) => l.includes(`"clientOrderId":"${id}"`))
    .map((l) => JSON.parse(l) as { event: string });

/** A case's failure, with what it saw. */
export function fail(detail: string): never {
  throw new Error(detail);
}
