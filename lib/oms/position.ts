// A symbol's position at average cost, in integer atoms: signed base quantity, the signed quote cost
// of what is open (paid for a long, received for a short) and the realized PnL in quote. Fills that
// cross zero close at average cost and open the rest at the fill's price. BigInt where a product of
// two atom amounts could pass 2^53.

export interface Position {
  /** Signed base quantity in atoms: > 0 long, < 0 short. */
  readonly qty: number;
  /** Quote atoms: paid for the open long (> 0), or received for the open short (< 0). */
  readonly cost: number;
  /** Realized PnL in quote atoms (fees not included: they are kept per asset). */
  readonly realized: number;
}

export const FLAT: Position = { qty: 0, cost: 0, realized: 0 };

const ATOMS = 100_000_000n;

/** round(a * b / c), half away from zero; exact for safe integers. */
export function mulDiv(a: number, b: number, c: number): number {
  const p = BigInt(a) * BigInt(b), d = BigInt(c);
  const twice = (p * 2n) / d;
  const q = twice >= 0n ? (twice + 1n) / 2n : (twice - 1n) / 2n;
  return Number(q);
}

/** The position after a fill of `qty` base atoms for `quote` quote atoms on `side`. */
export function applyFill(p: Position, side: "BUY" | "SELL", qty: number, quote: number): Position {
  const sign = side === "BUY" ? 1 : -1;
  if (p.qty === 0 || Math.sign(p.qty) === sign) {
    return { qty: p.qty + sign * qty, cost: p.cost + sign * quote, realized: p.realized };
  }
  const closeQty = Math.min(qty, Math.abs(p.qty));
  const costPart = mulDiv(p.cost, closeQty, Math.abs(p.qty));
  const quotePart = closeQty === qty ? quote : mulDiv(quote, closeQty, qty);
  // Closing a long by selling: got quotePart for what cost costPart; closing a short: paid quotePart
  // for what brought in -costPart.
  const realized = p.realized - sign * quotePart - costPart;
  const closed: Position = { qty: p.qty + sign * closeQty, cost: p.cost - costPart, realized };
  const rest = qty - closeQty;
  if (rest === 0) return closed;
  return { qty: sign * rest, cost: sign * (quote - quotePart), realized };
}

/** Unrealized PnL in quote atoms at `mark` (quote atoms per whole base unit). */
export function unrealized(p: Position, mark: number): number {
  return Number((BigInt(p.qty) * BigInt(mark)) / ATOMS) - p.cost;
}
