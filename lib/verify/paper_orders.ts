// The live loop's paper trades, read back from its state dir (LIVE_STATE_DIR): every run's hash-chained
// event log (lib/oms) replayed through the OMS book's own apply, so a fill is counted once exactly as the
// loop counted it, with its price, quantity, commission and time as the venue reported them. Each order
// is placed on the bar its correlation id names (lib/live's barCorrelationId: the strategy's key).
import { join } from "node:path";
import { barCorrelationId } from "../live/bar_strategy.ts";
import type { ClosedBar } from "../market/types.ts";
import type { LoopSpan, PaperFill, PaperOrder } from "../backtest/parity.ts";
import { listRuns, LOG_DIR, runPath } from "../oms/boot.ts";
import { OmsBook } from "../oms/book.ts";
import { readLog } from "../oms/log_record.ts";
import { type OrderEventData, REC } from "../oms/records.ts";
import { ConfigError } from "../util/errors.ts";

export interface PaperLog {
  /** The orders of `symbol`, in the order their intents were logged. */
  readonly orders: readonly Omit<PaperOrder, "bar">[];
  readonly tags: readonly string[];
  readonly runs: number;
  /** Orders of other symbols (not compared). */
  readonly otherSymbols: number;
  /** Runs whose log did not verify to the end (quarantined): what broke. */
  readonly problems: readonly string[];
  /** When the loop ran: the first and last record time over all runs (null: no record). The log has no
   * per-bar mark, so a run is evidenced from its run_start to its last record (run_end when clean). */
  readonly ran: LoopSpan | null;
}

/** Reads `stateDir`'s logs; a dir with none is a ConfigError (nothing to compare with). */
export async function readPaperLog(stateDir: string, symbol: string): Promise<PaperLog> {
  const runs = await listRuns(stateDir);
  if (runs.length === 0) {
    throw new ConfigError(
      `no event log in ${join(stateDir, LOG_DIR)}: is ${stateDir} the loop's LIVE_STATE_DIR?`,
    );
  }
  const book = new OmsBook();
  const fills = new Map<string, PaperFill[]>();
  const order: string[] = [];
  const problems: string[] = [];
  let ran: LoopSpan | null = null;
  for (const run of runs) {
    const reading = readLog(await Deno.readFile(runPath(stateDir, run)));
    if (reading.status === "quarantined") problems.push(`run ${run}: ${reading.problem}`);
    for (const rec of reading.records) {
      ran = ran === null
        ? { fromMs: rec.atMs, toMs: rec.atMs }
        : { fromMs: Math.min(ran.fromMs, rec.atMs), toMs: Math.max(ran.toMs, rec.atMs) };
      const res = book.apply(rec);
      if (!res.ok || res.duplicate || res.order === null) continue;
      if (rec.type === REC.intent || rec.type === REC.adopted) order.push(res.order.clientOrderId);
      const ev = rec.type === REC.event ? (rec.data as OrderEventData).event : null;
      if (ev?.kind !== "fill") continue;
      const f = ev.fill;
      const list = fills.get(res.order.clientOrderId) ?? [];
      list.push({
        tradeId: f.tradeId,
        price: f.price,
        qty: f.qty,
        quote: f.quote,
        commission: f.commission,
        commissionAsset: f.commissionAsset,
        timeMs: f.timeMs,
      });
      fills.set(res.order.clientOrderId, list);
    }
  }
  const all = order.map((id) => book.order(id)!);
  const mine = all.filter((o) => o.symbol === symbol);
  return {
    orders: mine.map((o) => ({
      clientOrderId: o.clientOrderId,
      correlationId: o.correlationId,
      side: o.side,
      state: o.state,
      fills: fills.get(o.clientOrderId) ?? [],
    })),
    tags: [...new Set(mine.map((o) => o.strategy))],
    runs: runs.length,
    otherSymbols: all.length - mine.length,
    problems,
    ran,
  };
}

/** Each order on the bar its correlation id names, as the loop's strategy keyed it (null: none of these bars). */
export function placeOnBars(
  log: PaperLog,
  symbol: string,
  bars: readonly ClosedBar[],
): PaperOrder[] {
  const index = new Map<string, number>();
  for (const tag of log.tags) bars.forEach((b, i) => index.set(barCorrelationId(tag, symbol, b), i));
  return log.orders.map((o) => ({ ...o, bar: index.get(o.correlationId) ?? null }));
}
