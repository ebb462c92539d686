// WebSocket API frames -> what the user stream does with them (binance_trading.md §5, §6). Responses
// carry `id` and `status`; pushes come as {"subscriptionId": N, "event": {...}}: executionReport,
// outboundAccountPosition and balanceUpdate become UserEvents; eventStreamTerminated and serverShutdown
// end the session; other event types are ignored; anything unreadable is reported, never thrown.
import { z } from "zod";
import { type VenueError, venueError } from "./binance_outcome.ts";
import { orderState } from "./binance_parse.ts";
import type { Fill, UserEvent, VenueOrder } from "./venue.ts";

export type Frame =
  | {
    readonly kind: "response";
    readonly id: string | number | null;
    readonly status: number;
    readonly error: VenueError | null;
    /** A 429/418's `error.data.retryAfter`: epoch ms before which nothing may be sent again. */
    readonly retryAfterMs: number | null;
    /** retryAfter − the refusal's `data.serverTime`: the wait by the venue's own clock (null without both). */
    readonly retryInMs: number | null;
    readonly result: unknown;
  }
  | { readonly kind: "event"; readonly event: UserEvent }
  | { readonly kind: "terminated" }
  | { readonly kind: "shutdown" }
  | { readonly kind: "ignored"; readonly type: string }
  | { readonly kind: "bad"; readonly detail: string };

const dec = z.string();
const ExecutionReport = z.object({
  E: z.number(),
  s: z.string(),
  c: z.string(),
  C: z.string().nullable().optional(),
  S: z.enum(["BUY", "SELL"]),
  o: z.string(),
  p: dec,
  q: dec,
  x: z.string(),
  X: z.string(),
  r: z.string(),
  i: z.number().int(),
  l: dec,
  z: dec,
  L: dec,
  n: dec.nullable(),
  N: z.string().nullable(),
  T: z.number(),
  t: z.number().int(),
  m: z.boolean(),
  O: z.number(),
  Z: dec,
  Y: dec,
});
const AccountPosition = z.object({ E: z.number(), B: z.array(z.object({ a: z.string(), f: dec, l: dec })) });
const BalanceUpdate = z.object({ E: z.number(), a: z.string(), d: dec });

function executionEvent(raw: unknown): UserEvent {
  const e = ExecutionReport.parse(raw);
  // On a cancel, `c` is the cancel request's id and `C` the order's own: key the order by its own.
  const order: VenueOrder = {
    symbol: e.s,
    orderId: e.i,
    clientOrderId: e.C ? e.C : e.c,
    ...orderState(e.X),
    side: e.S,
    type: e.o,
    price: e.p,
    origQty: e.q,
    executedQty: e.z,
    cumQuoteQty: e.Z,
    timeMs: e.O,
    updateTimeMs: e.T,
  };
  const fill: Fill | undefined = e.x === "TRADE"
    ? {
      symbol: e.s,
      tradeId: e.t,
      orderId: e.i,
      price: e.L,
      qty: e.l,
      quoteQty: e.Y,
      commission: e.n ?? "0",
      commissionAsset: e.N,
      timeMs: e.T,
      isBuyer: e.S === "BUY",
      isMaker: e.m,
    }
    : undefined;
  return {
    type: "order",
    order,
    execType: e.x,
    ...(e.r !== "NONE" ? { rejectReason: e.r } : {}),
    ...(fill ? { fill } : {}),
    eventTimeMs: e.E,
  };
}

function pushed(ev: Record<string, unknown>): Frame {
  switch (ev.e) {
    case "executionReport":
      return { kind: "event", event: executionEvent(ev) };
    case "outboundAccountPosition": {
      const a = AccountPosition.parse(ev);
      const balances = a.B.map((b) => ({ asset: b.a, free: b.f, locked: b.l }));
      return { kind: "event", event: { type: "balances", balances, eventTimeMs: a.E } };
    }
    case "balanceUpdate": {
      const b = BalanceUpdate.parse(ev);
      return { kind: "event", event: { type: "balance_delta", asset: b.a, delta: b.d, eventTimeMs: b.E } };
    }
    case "eventStreamTerminated":
      return { kind: "terminated" };
    case "serverShutdown":
      return { kind: "shutdown" };
  }
  return { kind: "ignored", type: String(ev.e) };
}

export function readFrame(text: string): Frame {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch {
    return { kind: "bad", detail: "not JSON" };
  }
  if (!j || typeof j !== "object") return { kind: "bad", detail: "not an object" };
  try {
    if ("status" in j && typeof j.status === "number") {
      const id = (j.id ?? null) as string | number | null;
      const data = (j.error as { data?: { retryAfter?: unknown; serverTime?: unknown } } | undefined)?.data;
      const retryAfterMs = typeof data?.retryAfter === "number" ? data.retryAfter : null;
      const serverTime = typeof data?.serverTime === "number" ? data.serverTime : null;
      const retryInMs = retryAfterMs !== null && serverTime !== null ? retryAfterMs - serverTime : null;
      return {
        kind: "response",
        id,
        status: j.status,
        error: venueError(j.error),
        retryAfterMs,
        retryInMs,
        result: j.result,
      };
    }
    // serverShutdown may come without a subscription wrapper.
    const ev = j.event ?? (typeof j.e === "string" ? j : undefined);
    if (ev && typeof ev === "object") return pushed(ev as Record<string, unknown>);
    return { kind: "bad", detail: "neither a response nor an event" };
  } catch (e) {
    return {
      kind: "bad",
      detail: e instanceof z.ZodError
        ? `bad ${String(j.event && (j.event as { e?: unknown }).e)} event`
        : String(e),
    };
  }
}
