// zod at the feed edge: the ClosedBar JSON of `event: bar` and /api/bars, and the heartbeat payload.
// Inside the service the plain readonly ClosedBar type (lib/market/types.ts) is used.
import { z } from "zod";
import { type ClosedBar, type Interval, INTERVALS, type Venue, VENUES } from "../market/types.ts";

const finite = z.number().finite();
const feature = finite.nullable();

export const ClosedBarSchema = z.object({
  venue: z.enum(VENUES),
  symbol: z.string().min(1),
  interval: z.enum(Object.keys(INTERVALS) as [Interval, ...Interval[]]),
  openTimeMs: z.number().int().nonnegative(),
  o: finite,
  h: finite,
  l: finite,
  c: finite,
  v: finite.nonnegative(),
  trades: z.number().int().nonnegative(),
  origin: z.enum(["trades", "flat", "backfill"]),
  closedAtMs: z.number().finite().nonnegative(),
  features: z.object({
    ema_12: feature,
    ema_26: feature,
    sma_20: feature,
    rsi_14: feature,
    atr_14: feature,
    vwap_session_utc: feature,
  }),
});

export const FeedHeartbeatSchema = z.looseObject({
  feedOk: z.boolean(),
  nowMs: z.number().finite().optional(),
  stale: z.array(z.unknown()).optional(),
  speed: z.number().finite().positive().optional(),
});
export type FeedHeartbeat = z.infer<typeof FeedHeartbeatSchema>;

/** The series one strategy instance consumes. */
export interface SeriesKey {
  readonly venue: Venue;
  readonly symbol: string;
  readonly interval: Interval;
}

/** The feed's SSE id for a bar: `<venue>|<symbol>|<interval>|<openTimeMs>`. */
export function barId(k: SeriesKey, openTimeMs: number): string {
  return `${k.venue}|${k.symbol}|${k.interval}|${openTimeMs}`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return `field "${i.path.map(String).join(".") || "(root)"}" ${i.message}`;
}

/** Validates a parsed ClosedBar (also checks l <= o,c <= h, which zod alone does not). */
export function parseClosedBar(value: unknown): ParseResult<ClosedBar> {
  const r = ClosedBarSchema.safeParse(value);
  if (!r.success) return { ok: false, error: firstIssue(r.error) };
  const b = r.data;
  if (!(b.l <= Math.min(b.o, b.c) && Math.max(b.o, b.c) <= b.h)) {
    return { ok: false, error: `bar ${b.openTimeMs}: prices are inconsistent (l <= o,c <= h fails)` };
  }
  return { ok: true, value: b };
}

export function parseFeedHeartbeat(value: unknown): ParseResult<FeedHeartbeat> {
  const r = FeedHeartbeatSchema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
}

/** Cheap pre-check on an already-parsed object: is this bar for our series? (skips zod for other series) */
export function isForSeries(value: unknown, k: SeriesKey): boolean {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return o.venue === k.venue && o.symbol === k.symbol && o.interval === k.interval;
}
