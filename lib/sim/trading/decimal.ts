// Exact decimal arithmetic for the trading simulator. Binance puts decimals on the wire as strings
// with up to 8 places, so amounts live here as integer "atoms" of 1e-8: parsing, printing and fee
// math never touch binary floating point.

import { ATOMS } from "../../market/atoms.ts";

// Parsing is shared with the connectors (lib/market/atoms.ts).
export { ATOMS, type DecimalProblem, parseAtoms } from "../../market/atoms.ts";

/** Atoms as Binance prints them: always 8 decimals ("60000.12000000"). */
export function formatAtoms(atoms: number): string {
  const neg = atoms < 0;
  const digits = String(Math.abs(atoms)).padStart(9, "0");
  return (neg ? "-" : "") + digits.slice(0, -8) + "." + digits.slice(-8);
}

/** 10^n for the small exponents used here (0..8). */
export function pow10(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 8) throw new RangeError(`Cannot scale by 10^${n}: 0..8 only`);
  return 10 ** n;
}

/** a * b / ATOMS rounded half up, exact for any safe inputs (BigInt in the middle). */
export function mulAtoms(a: number, b: number): number {
  const p = BigInt(a) * BigInt(b);
  const half = BigInt(ATOMS / 2);
  const q = (p + (p >= 0n ? half : -half)) / BigInt(ATOMS);
  return Number(q);
}

/** Safe-integer guard for amounts that must stay exact. */
export function exact(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} left the exact integer range: ${n}`);
  return n;
}
