// Chaos: what to break, read from flags at start and from a JSON file re-read every second, and a
// count + log line for every anomaly injected so tests can compare a client's view exactly.
import { z } from "zod";
import { type Venue, VENUES } from "../market/types.ts";
import type { JsonlWriter } from "./jsonl_writer.ts";
import { TradingChaosSchema } from "./trading/trading_chaos.ts";

const Rate = z.number().min(0).max(1);
const Scope = z.object({ venue: z.enum(VENUES).optional(), symbol: z.string().min(1).optional() }).strict();
/** The per-frame rates: one draw per frame picks at most one of them. */
const frameRates = ["malformedRate", "badValueRate", "duplicateRate", "reorderRate", "lateRate"] as const;
const Action = z.object({ nonce: z.string().min(1), venue: z.enum(VENUES).optional() }).strict();

export const ChaosSchema = z.object({
  /** Venues the rate-based chaos, drops and cuts apply to (all when absent). */
  venues: z.array(z.enum(VENUES)).optional(),
  /** Drop (close 1011) every connection after it has been open this many wall seconds. */
  dropEveryS: z.number().positive().optional(),
  /** Planned cut after this many wall seconds (Binance serverShutdown / OKX 64008 notice; close 1001). */
  cutEveryS: z.number().positive().optional(),
  /** Wall seconds between a cut's notice and the close (real OKX: ~30 s); 0 or absent: at once. */
  cutNoticeS: z.number().min(0).optional(),
  /** The venue's own connection age limit (Binance 24 h): close 1001 without notice after this. */
  maxAgeS: z.number().positive().optional(),
  /** Silent stall: data frames matching any entry are not sent; the socket stays open. */
  stall: z.array(Scope).optional(),
  malformedRate: Rate.optional(),
  badValueRate: Rate.optional(),
  duplicateRate: Rate.optional(),
  reorderRate: Rate.optional(),
  /** Trade frames held back lateMs and sent out of order: trades for bars a client already closed. */
  lateRate: Rate.optional(),
  /** Wall ms a late trade frame is held (default 1000). */
  lateMs: z.number().int().min(1).max(600_000).optional(),
  /** Delay every frame by a random 0..jitterMs wall ms (order kept). */
  jitterMs: z.number().int().min(0).max(60_000).optional(),
  /** One-shot actions: applied once each time `nonce` changes. */
  dropNow: Action.optional(),
  cutNow: Action.optional(),
  /** Execution chaos of the trading venue (trading/trading_chaos.ts). */
  trading: TradingChaosSchema.optional(),
}).strict().refine(
  (c) => frameRates.reduce((sum, k) => sum + (c[k] ?? 0), 0) <= 1,
  { message: `${frameRates.join(" + ")} must be at most 1` },
);

export type ChaosConfig = z.infer<typeof ChaosSchema>;

/** Parses chaos JSON text; throws SyntaxError/RangeError with one line naming the problem. */
export function parseChaos(text: string, source: string): ChaosConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot parse chaos ${source}: ${err instanceof Error ? err.message : err}`);
  }
  const r = ChaosSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RangeError(`Cannot use chaos ${source}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

/**
 * Flags first, then the file's keys override them one by one (the trading section's too). Each source
 * is valid alone, yet the mix may not be (flag rates + file rates over 1): the MERGED config is checked
 * against the schema, and a bad mix throws RangeError like a bad file (the runtime keeps the last good).
 */
export function mergeChaos(flags: ChaosConfig, file: ChaosConfig | null): ChaosConfig {
  if (!file) return flags;
  const merged = { ...flags, ...file };
  // The trading section merges one level deeper: a file key overrides only that flag.
  if (flags.trading && file.trading) merged.trading = { ...flags.trading, ...file.trading };
  const r = ChaosSchema.safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RangeError(`Cannot use chaos flags + file: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

export type FrameAnomaly = "malformed" | "bad_value" | "duplicate" | "reorder" | "late";

/** How long a late trade frame is held when lateMs is not set. */
export const LATE_MS_DEFAULT = 1000;

/** Which anomaly (if any) a uniform draw `u` selects for a frame; at most one per frame. */
export function pickAnomaly(u: number, c: ChaosConfig, isTrade: boolean): FrameAnomaly | null {
  let edge = c.malformedRate ?? 0;
  if (u < edge) return "malformed";
  if (!isTrade) return null;
  if (u < (edge += c.badValueRate ?? 0)) return "bad_value";
  if (u < (edge += c.duplicateRate ?? 0)) return "duplicate";
  if (u < (edge += c.reorderRate ?? 0)) return "reorder";
  if (u < (edge += c.lateRate ?? 0)) return "late";
  return null;
}

export function inScope(c: ChaosConfig, venue: Venue): boolean {
  return !c.venues || c.venues.includes(venue);
}

export function isStalled(c: ChaosConfig, venue: Venue, symbol: string): boolean {
  return (c.stall ?? []).some((s) => (!s.venue || s.venue === venue) && (!s.symbol || s.symbol === symbol));
}

export type ChaosKind =
  | FrameAnomaly
  | "reorder_lost"
  | "late_lost"
  | "stalled"
  | "jitter"
  | "drop"
  | "cut"
  | "max_age"
  | "config"
  // Execution chaos (trading/trading_chaos.ts): one line per injected fault.
  | "ack_lost_placed"
  | "ack_5xx_unplaced"
  | "ack_delay"
  | "user_stream_stall"
  | "user_stream_delay"
  | "user_stream_drop"
  | "trades_lag"
  | "ack_connection_closed"
  | "burst_5xx"
  | "storm_429"
  | "orphan_order"
  | "vanish"
  | "cancel_fill_race"
  | "read_held"
  | "reads_released";

export interface ChaosEvent {
  readonly kind: ChaosKind;
  readonly venue?: Venue;
  readonly symbol?: string;
  readonly connId?: string;
  readonly tradeId?: string;
  readonly [k: string]: unknown;
}

/** Counts every injected anomaly and appends it (with wall and simulated time) to the chaos log. */
export class ChaosLog {
  readonly counts: Record<string, number> = {};
  readonly #writer: JsonlWriter | null;
  readonly #now: () => { wallMs: number; simMs: number };

  constructor(writer: JsonlWriter | null, now: () => { wallMs: number; simMs: number }) {
    this.#writer = writer;
    this.#now = now;
  }

  record(e: ChaosEvent): void {
    this.counts[e.kind] = (this.counts[e.kind] ?? 0) + 1;
    if (this.#writer) {
      const { wallMs, simMs } = this.#now();
      this.#writer.write([{ wallMs, simMs, ...e }]);
    }
  }
}
