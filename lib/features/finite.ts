// The NaN boundary: TA-Lib has no NaN handling, so one NaN would poison every later EMA/RSI/ATR
// value. Each indicator refuses non-finite input before touching its state.

/** Thrown when a non-finite number (NaN, ±Infinity) is offered to an indicator. */
export function nonFinite(indicator: string, field: string, value: number): RangeError {
  return new RangeError(`${indicator}: field "${field}" must be a finite number, got ${value}`);
}

/** True for NaN and ±Infinity; `x - x` is 0 only for finite x (one subtraction, no call). */
export function isNonFinite(x: number): boolean {
  return x - x !== 0;
}
