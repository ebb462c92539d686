// paper_orders.json: the loop's paper orders and fills a backtest's parity was judged from, as read from
// the loop's event log (lib/verify/paper_orders.ts), kept in the evidence folder so parity can be judged
// again offline from the folder alone. Amounts in atoms as the log has them; JSON reads them back exactly.
import { z } from "zod";
import { BACKTEST_FILES } from "../evidence/gate_sources.ts";
import type { PaperLog } from "./paper_orders.ts";

export const PAPER_ORDERS_JSON = BACKTEST_FILES.paperOrders;

const atoms = z.number();
const PaperLogSchema = z.strictObject({
  orders: z.array(z.strictObject({
    clientOrderId: z.string(),
    correlationId: z.string(),
    side: z.enum(["BUY", "SELL"]),
    state: z.string(),
    fills: z.array(z.strictObject({
      tradeId: z.number(),
      price: atoms,
      qty: atoms,
      quote: atoms,
      commission: atoms,
      commissionAsset: z.string().nullable(),
      timeMs: z.number(),
    })),
  })),
  tags: z.array(z.string()),
  runs: z.int().nonnegative(),
  otherSymbols: z.int().nonnegative(),
  problems: z.array(z.string()),
  ran: z.strictObject({ fromMs: z.number(), toMs: z.number() }).nullable(),
});

export function renderPaperOrdersJson(log: PaperLog): string {
  const { orders, tags, runs, otherSymbols, problems, ran } = log;
  return JSON.stringify({ orders, tags, runs, otherSymbols, problems, ran }, null, 2) + "\n";
}

/** The file back; throws SyntaxError naming the first field that is not as written. */
export function parsePaperOrdersJson(text: string): PaperLog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot parse ${PAPER_ORDERS_JSON}: ${(err as Error).message}`);
  }
  // A key absent at the top is a file an older release wrote (`ran` came with judging the period the loop
  // ran). No stand-in is safe: the folder has no event log to take the span from, and the older run judged
  // another period, so the recomputation could not agree with what it stored. Say so and how to redo it.
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const missing = Object.keys(PaperLogSchema.shape).find((k) => !(k in value));
    if (missing !== undefined) {
      throw new SyntaxError(
        `Cannot parse ${PAPER_ORDERS_JSON}: field "${missing}" is missing (written by an older release); ` +
          "regenerate the folder: run ./tp backtest --parity again with the range and --state-dir its run.json names",
      );
    }
  }
  const r = PaperLogSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SyntaxError(
      `Cannot parse ${PAPER_ORDERS_JSON}: field "${issue.path.join(".") || "(top)"}" ${issue.message}`,
    );
  }
  return r.data;
}
