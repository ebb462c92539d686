// Exact decimals as exchanges put them on the wire (strings with up to 8 places): integer "atoms" of
// 1e-8, so parsing and comparing never touch binary floating point. Shared by the venue simulator and
// the connectors.

/** Atoms per whole unit (Binance prints 8 decimals). */
export const ATOMS = 100_000_000;
const DECIMAL = /^([0-9]{1,20})(\.([0-9]{1,20}))?$/;

/** Why a decimal string was refused: not a decimal at all, or more than 8 significant places. */
export type DecimalProblem = "illegal" | "precision" | "range";

/** Parses "0.01000000" into atoms (1_000_000), or names the problem. Trailing zeros are free. */
export function parseAtoms(s: string): number | DecimalProblem {
  const m = DECIMAL.exec(s);
  if (!m) return "illegal";
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > 8) return "precision";
  const n = Number(m[1]) * ATOMS + Number(frac.padEnd(8, "0"));
  return Number.isSafeInteger(n) ? n : "range";
}
