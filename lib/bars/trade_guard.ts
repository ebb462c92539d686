// First stop for every trade of one venue+symbol: drop invalid records and duplicates (bounded
// recent-id window), and count trade-id discontinuities where the venue's ids are contiguous.
import type { Trade, Venue } from "../market/types.ts";
import { IdWindow } from "./id_window.ts";

/** Venues whose trade ids are numeric and contiguous per symbol (a jump means trades were missed). */
export const CONTIGUOUS_ID_VENUES: ReadonlySet<Venue> = new Set<Venue>(["binance", "okx", "kraken"]);

export type TradeVerdict = "ok" | "invalid" | "duplicate";

export interface TradeGuardOptions {
  /** How many recent trade ids are remembered for duplicate detection. Default 4096. */
  readonly idWindow?: number;
  /** Count id discontinuities (numeric, contiguous ids). Default false. */
  readonly contiguousIds?: boolean;
  /** A trade whose venue time is further than this from its receive time is invalid. Default 24 h. */
  readonly maxSkewMs?: number;
}

export interface TradeGuardCounts {
  invalid: number;
  duplicates: number;
  /** Number of discontinuities (a jump forward in the id sequence). */
  idGaps: number;
  /** Total ids skipped over by those jumps. */
  idsMissing: number;
}

/**
 * Why the record itself is bad (NaN, non-positive price, size or time), or null. Venue time may carry
 * a fraction: Kraken stamps trades to the microsecond.
 */
export function recordProblem(t: Trade): string | null {
  if (!(t.price > 0) || t.price === Infinity) return `price must be a finite number > 0, got ${t.price}`;
  if (!(t.size > 0) || t.size === Infinity) return `size must be a finite number > 0, got ${t.size}`;
  if (!(t.venueTimeMs > 0) || t.venueTimeMs > Number.MAX_SAFE_INTEGER) {
    return `venueTimeMs must be a finite number > 0, got ${t.venueTimeMs}`;
  }
  if (typeof t.tradeId !== "string") return `tradeId must be a string`;
  return null;
}

/** Why a trade is unusable for bars, or null when it is fine. Cheap checks only: this runs per trade. */
export function tradeProblem(t: Trade, maxSkewMs: number): string | null {
  const bad = recordProblem(t);
  if (bad !== null) return bad;
  if (t.receivedAtMs - t.receivedAtMs !== 0) return `receivedAtMs must be finite, got ${t.receivedAtMs}`;
  if (Math.abs(t.receivedAtMs - t.venueTimeMs) > maxSkewMs) {
    return `venueTimeMs ${t.venueTimeMs} is more than ${maxSkewMs} ms from receivedAtMs ${t.receivedAtMs}`;
  }
  return null;
}

/** Parses a decimal id; small ids stay numbers (no allocation), long ones (Kraken, Binance) bigint. */
function parseId(id: string): number | bigint | null {
  if (!/^\d+$/.test(id)) return null;
  return id.length <= 15 ? Number(id) : BigInt(id);
}

export class TradeGuard {
  readonly counts: TradeGuardCounts = { invalid: 0, duplicates: 0, idGaps: 0, idsMissing: 0 };
  /** The reason the latest "invalid" verdict was given. */
  lastProblem = "";
  private readonly contiguous: boolean;
  private readonly maxSkewMs: number;
  private readonly seen: IdWindow;
  private maxId: number | bigint | null = null;

  constructor(opts: TradeGuardOptions = {}) {
    this.contiguous = opts.contiguousIds ?? false;
    this.maxSkewMs = opts.maxSkewMs ?? 86_400_000;
    this.seen = new IdWindow(opts.idWindow ?? 4096);
  }

  check(t: Trade): TradeVerdict {
    const problem = tradeProblem(t, this.maxSkewMs);
    if (problem !== null) {
      this.counts.invalid++;
      this.lastProblem = problem;
      return "invalid";
    }
    const id = t.tradeId;
    if (id === "") return "ok"; // venues without ids (Kraken v1) cannot be de-duplicated
    if (!this.seen.admit(id)) {
      this.counts.duplicates++;
      return "duplicate";
    }
    if (this.contiguous) this.trackId(id, this.seen.lastNumeric);
    return "ok";
  }

  /** `num`: the id's value when the window already parsed it as a plain decimal, else -1. */
  private trackId(raw: string, num: number): void {
    const id = num >= 0 ? num : parseId(raw);
    if (id === null) return;
    const max = this.maxId;
    if (max === null) {
      this.maxId = id;
      return;
    }
    // Mixed widths compare as bigint; the common all-small case stays in plain numbers.
    const jump = typeof id === "number" && typeof max === "number"
      ? id - max
      : Number(BigInt(id) - BigInt(max));
    if (jump > 1) {
      this.counts.idGaps++;
      this.counts.idsMissing += jump - 1;
    }
    if (jump > 0) this.maxId = id; // older ids arriving late are not gaps
  }
}
