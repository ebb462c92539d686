// The account's fills as the venue reports them: every fill of a symbol from a trade id (a page of 1000
// at a time), the trade id a first start's history ends at, and the fills one order lacks in the OMS
// (applied once, by trade id). A venue read the caller cannot rely on throws a ReconcileFailed.
import { missedFills } from "../oms/reconcile.ts";
import type { Order } from "../oms/order.ts";
import type { Fill, Outcome, VenueOrder } from "../trading/venue.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { loadCursor } from "./ledger.ts";

/**
 * Why a reconciliation (or a first start's history read) cannot go on: a venue answer it cannot rely on,
 * or a disagreement it found. It fails with the message; the loop does not trade on a guess.
 */
export class ReconcileFailed extends Error {}

/** One line for an outcome: "ok", the refusal, or why it is ambiguous. */
export const brief = (o: Outcome<unknown>): string =>
  o.kind === "ambiguous" ? `ambiguous (${o.cause})` : o.kind === "rejected" ? `${o.reason} ${o.msg}` : "ok";

/** The confirmed value, or a ReconcileFailed naming `what`. */
export function must<T>(o: Outcome<T>, what: string): T {
  if (o.kind !== "confirmed") throw new ReconcileFailed(`${what}: ${brief(o)}`);
  return o.value;
}

/** Every fill of `symbol` from trade id `fromTradeId`, a page (1000) at a time. */
export async function allFills(core: LoopCore, symbol: string, fromTradeId = 0): Promise<Fill[]> {
  const out: Fill[] = [];
  for (let from = fromTradeId;;) {
    const page = must(await core.venue.fillsSince(symbol, from, 1000), `myTrades ${symbol}`);
    out.push(...page);
    if (page.length < 1000) return out;
    from = page[page.length - 1].tradeId + 1;
  }
}

/** Per symbol, the trade id after the account's trades so far: a first start's history ends there. */
export async function historyCursor(core: LoopCore): Promise<Record<string, number> | string> {
  const c: Record<string, number> = {};
  try {
    for (const s of core.cfg.symbols) {
      c[s.symbol] = (await allFills(core, s.symbol)).reduce((m, f) => Math.max(m, f.tradeId + 1), 0);
    }
  } catch (err) {
    if (err instanceof ReconcileFailed) return err.message;
    throw err;
  }
  return c;
}

/** Fills the venue's order shows that the OMS lacks: fetched and applied once (a failed fetch is logged). */
export async function fetchFills(core: LoopCore, o: Order, v: VenueOrder, via: string): Promise<void> {
  if (o.venueOrderId === null || v.executedQty === undefined || Number(v.executedQty) === 0) return;
  let fills: Fill[];
  try {
    const from = core.fillsFrom.get(o.clientOrderId) ??
      (await loadCursor(core.cfg.stateDir))?.[o.symbol] ?? 0;
    fills = await allFills(core, o.symbol, from);
  } catch (err) {
    core.counters.emit("warn", EV.inflight, {
      clientOrderId: o.clientOrderId,
      phase: "fills",
      error: String(err),
    });
    return;
  }
  for (const e of missedFills(o.tradeIds, o.venueOrderId, fills)) {
    if (typeof e === "string") {
      core.counters.badVenueInput++;
      core.counters.emit("warn", EV.badInput, { clientOrderId: o.clientOrderId, detail: e });
    } else await core.apply(o.clientOrderId, e, via);
  }
}
