// zod at every edge a ClosedBar arrives over (the feed's SSE `event: bar` and /api/bars, a bus
// message): one schema for the one JSON shape. Inside, the plain readonly ClosedBar type is used.
import { z } from "zod";
import { type ClosedBar, type Interval, INTERVALS, VENUES } from "./types.ts";

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

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** The first problem zod found, as `field "a.b" <message>`. */
export function firstIssue(err: z.ZodError): string {
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
