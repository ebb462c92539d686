// The shadow position and its PnL: what RefStrat_01 would hold if it traded. It never sends an order.
// Fills are assumed at the deciding bar's close; fees (bps of notional) are charged on entry and exit.

/** Shadow book state, plain data (it is persisted in each decision event and restored on restart). */
export interface ShadowBook {
  /** Units held (0 = flat). Long-only strategy, so never negative. */
  readonly size: number;
  /** Fill price of the open position; null when flat. */
  readonly entryPrice: number | null;
  /** Stop level fixed at entry (entry − k·ATR); null when flat. */
  readonly stop: number | null;
  /**
   * Realised PnL in quote currency: closed trades' price moves minus every fee paid so far.
   * The entry fee is realised when paid, so unrealised PnL is the pure price move of the open position.
   */
  readonly realisedPnl: number;
  /** Sum of all fees paid (already inside realisedPnl), kept apart for reporting. */
  readonly feesPaid: number;
  /** Closed round trips. */
  readonly trades: number;
}

export const FLAT_BOOK: ShadowBook = Object.freeze({
  size: 0,
  entryPrice: null,
  stop: null,
  realisedPnl: 0,
  feesPaid: 0,
  trades: 0,
});

/** Fee for a fill of `size` units at `price`, `feeBps` basis points of notional. */
export function feeFor(price: number, size: number, feeBps: number): number {
  return price * size * feeBps / 10_000;
}

/** Opens a long of `size` at `price` with its stop; throws RangeError when already long. */
export function openLong(
  book: ShadowBook,
  price: number,
  size: number,
  stop: number,
  feeBps: number,
): ShadowBook {
  if (book.size !== 0) throw new RangeError(`Cannot open long: already holding ${book.size}`);
  const fee = feeFor(price, size, feeBps);
  return {
    size,
    entryPrice: price,
    stop,
    realisedPnl: book.realisedPnl - fee,
    feesPaid: book.feesPaid + fee,
    trades: book.trades,
  };
}

/** Closes the whole long at `price`; throws RangeError when flat. */
export function closeLong(book: ShadowBook, price: number, feeBps: number): ShadowBook {
  if (book.size === 0 || book.entryPrice === null) throw new RangeError("Cannot close long: flat");
  const fee = feeFor(price, book.size, feeBps);
  return {
    size: 0,
    entryPrice: null,
    stop: null,
    realisedPnl: book.realisedPnl + (price - book.entryPrice) * book.size - fee,
    feesPaid: book.feesPaid + fee,
    trades: book.trades + 1,
  };
}

/** Unrealised PnL of the open position marked at `price` (0 when flat). */
export function unrealisedPnl(book: ShadowBook, price: number): number {
  return book.size === 0 || book.entryPrice === null ? 0 : (price - book.entryPrice) * book.size;
}

/** Realised + unrealised at `price` (the last close). */
export function totalPnl(book: ShadowBook, price: number): number {
  return book.realisedPnl + unrealisedPnl(book, price);
}
