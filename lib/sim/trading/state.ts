// Paper state that survives a simulator restart (--trading-state FILE): orders, fills, balances, the
// last print per symbol and the id counters, written whole and atomically (temp + rename). A missing
// file is a fresh start; a damaged one is an error, never a silent reset behind a client's back.
import { z } from "zod";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { type EngineConfig, MatchingEngine } from "./engine.ts";
import { isOpen } from "./order_index.ts";
import type { SimFill, SimOrder } from "./types.ts";

const VERSION = 1;
const Int = z.number().int();
const Order = z.object({
  account: z.string(),
  symbol: z.string(),
  orderId: Int,
  clientOrderId: z.string(),
  side: z.enum(["BUY", "SELL"]),
  type: z.enum(["LIMIT", "MARKET", "LIMIT_MAKER"]),
  timeInForce: z.enum(["GTC", "IOC", "FOK"]),
  priceTicks: Int,
  origQtyLots: Int,
  origQuoteOrderQtyAtoms: Int,
  executedLots: Int,
  cumQuoteAtoms: Int,
  status: z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED", "REJECTED"]),
  time: Int,
  updateTime: Int,
  workingTime: Int,
  lockedAtoms: Int,
  expiryReason: z.string().nullable(),
  seq: Int,
}).strict();
const Fill = z.object({
  account: z.string(),
  symbol: z.string(),
  id: Int,
  orderId: Int,
  priceTicks: Int,
  qtyLots: Int,
  quoteAtoms: Int,
  commissionAtoms: Int,
  commissionAsset: z.string(),
  time: Int,
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
}).strict();
const Balance = z.object({ asset: z.string(), free: Int, locked: Int }).strict();
const StateSchema = z.object({
  version: z.literal(VERSION),
  nextOrderId: Int,
  nextTradeId: Int,
  /** Absent in files written before execution ids were saved. */
  nextExecutionId: Int.optional(),
  seq: Int,
  accounts: z.record(z.string(), z.object({ updateTime: Int, balances: z.array(Balance) }).strict()),
  last: z.record(z.string(), z.object({ priceTicks: Int, leftLots: Int }).strict()),
  orders: z.array(Order),
  fills: z.array(Fill),
}).strict();

export type TradingState = z.infer<typeof StateSchema>;

/** Everything the engine must not forget, as plain JSON. */
export function snapshot(e: MatchingEngine): TradingState {
  const accounts: TradingState["accounts"] = {};
  for (const [name, a] of e.accounts) accounts[name] = { updateTime: a.updateTime, balances: a.list() };
  return {
    version: VERSION,
    nextOrderId: e.nextOrderId,
    nextTradeId: e.nextTradeId,
    nextExecutionId: e.nextExecutionId,
    seq: e.seq,
    accounts,
    last: Object.fromEntries(e.last),
    orders: e.orders.all.map((o) => ({ ...o })),
    fills: e.fills.map((f) => ({ ...f })),
  };
}

/** An engine for `cfg` holding `state` (starting balances in cfg apply to fresh state only). */
export function restore(cfg: EngineConfig, state: TradingState): MatchingEngine {
  const e = new MatchingEngine(cfg);
  for (const [name, a] of Object.entries(state.accounts)) {
    const acct = e.accounts.get(name);
    if (!acct) throw new Error(`Cannot restore trading state: account "${name}" is not configured`);
    acct.balances.clear();
    for (const b of a.balances) acct.balances.set(b.asset, { free: b.free, locked: b.locked });
    acct.updateTime = a.updateTime;
  }
  for (const [symbol, l] of Object.entries(state.last)) e.last.set(symbol, { ...l });
  for (const raw of state.orders) {
    if (!e.symbols.has(raw.symbol)) {
      throw new Error(`Cannot restore trading state: symbol ${raw.symbol} is not simulated`);
    }
    const o: SimOrder = { ...raw };
    e.orders.add(o);
    if (isOpen(o)) e.books.of(o.symbol)[o.side].add(o);
  }
  for (const f of state.fills) e.fills.push({ ...f } as SimFill);
  e.nextOrderId = state.nextOrderId;
  e.nextTradeId = state.nextTradeId;
  // An older file: past the most events its orders can have had (NEW, a terminal one, one per fill).
  e.nextExecutionId = state.nextExecutionId ?? 2 * state.orders.length + state.fills.length + 1;
  e.seq = state.seq;
  return e;
}

/** Reads a state file: null when absent; throws naming the file when it is damaged. */
export async function loadState(path: string): Promise<TradingState | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`Cannot read trading state ${path}: ${err instanceof Error ? err.message : err}`);
  }
  const r = StateSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`Cannot use trading state ${path}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

/** Writes the engine's state atomically (a crash leaves the previous file whole). */
export async function saveState(path: string, e: MatchingEngine): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(snapshot(e)) + "\n");
}
