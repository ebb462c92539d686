// Ack faults on the WebSocket API: the three of chaos_ack.ts for `order.place`, in the documented
// envelope {"id","status","error"} (a 5XX status = unknown outcome, binance_trading.md §6). Lost after
// placing: the order's events still follow on the user stream; a delayed reply: they come first;
// connection closed after placing: no reply at all, the socket is closed (1011) instead.
import { type ChaosSink, faultLine, type PlacedIds } from "./chaos_ack.ts";
import { NO_FAULT, TIMEOUT_BODY, TIMEOUT_HTTP } from "./ack_faults.ts";
import type { TradingChaos } from "./trading_chaos.ts";

/** The route name WebSocket API placements draw faults under. */
export const WS_PLACE_ROUTE = "WS order.place";

interface Frame {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: { readonly newClientOrderId?: unknown };
}

function parse(text: string): Frame | null {
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null ? v : null;
  } catch {
    return null;
  }
}

/**
 * The reply frames to one request under the fault chaos picks, how long to hold them (ms), and
 * whether to close the connection instead of answering.
 */
export function faultedWsCall(
  chaos: TradingChaos | undefined,
  text: string,
  handle: () => string[],
  log: ChaosSink,
): { frames: string[]; delayMs: number; close?: boolean } {
  const msg = parse(text);
  const fault = msg?.method === "order.place" && chaos ? chaos.ackFault(WS_PLACE_ROUTE) : NO_FAULT;
  if (fault.kind === "none") return { frames: handle(), delayMs: 0 };
  const timeout = JSON.stringify({ id: msg?.id ?? null, status: TIMEOUT_HTTP, error: TIMEOUT_BODY });
  const sent = typeof msg?.params?.newClientOrderId === "string" ? msg.params.newClientOrderId : undefined;
  const line = (ids: PlacedIds) => log(faultLine(fault, WS_PLACE_ROUTE, sent, ids));
  if (fault.kind === "fail_before") {
    line({});
    return { frames: [timeout], delayMs: 0 };
  }
  const frames = handle();
  const reply = parse(frames[0] ?? "") as {
    status?: number;
    result?: { clientOrderId?: string; orderId?: number };
  };
  line({
    clientOrderId: reply?.result?.clientOrderId,
    orderId: reply?.result?.orderId,
    status: reply?.status,
  });
  if (fault.kind === "lost_after") return { frames: [timeout, ...frames.slice(1)], delayMs: 0 };
  if (fault.kind === "closed_after") return { frames: [], delayMs: 0, close: true };
  return { frames, delayMs: fault.ms };
}
