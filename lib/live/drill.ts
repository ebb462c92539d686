// The drill API (`./tp live` with LIVE_DRILL=1, paper only): the crash-point proof's order source, so it
// can have orders in flight at the steps it names without a strategy. POST /admin/drill/orders places
// one order through submitOrder (risk, durable intent, the worker), DELETE ?clientOrderId= cancels one,
// GET lists the OMS's orders. Behind the port's guard like the admin API (admin_guard.ts: the bearer
// token, its own per-client limit: LIVE_DRILL_RATE_PER_MIN); off (404) unless enabled.
import { json } from "../http/serve.ts";
import type { Order } from "../oms/order.ts";
import type { Side } from "../trading/venue.ts";
import { type CountRefusal, type Guard, refusal } from "./admin_guard.ts";
import type { CancelResult } from "./inflight.ts";
import type { OrderSpec, SubmitResult } from "./submitter.ts";

export const DRILL_PATH = "/admin/drill/orders";

/** What the drill needs of the loop (LiveLoop fits). */
export interface DrillLoop {
  submitOrder(venue: string, order: OrderSpec, correlationId: string): Promise<SubmitResult>;
  cancelOrder(venue: string, clientOrderId: string): Promise<CancelResult>;
  orders(): readonly Order[];
}

/** A drill order as JSON: amounts in atoms of 1e-8, like the OMS. */
function parseOrder(o: unknown): { order: OrderSpec; correlationId: string } | string {
  const r = o as Record<string, unknown> | null;
  if (!r || typeof r !== "object") return "body must be a JSON object";
  const side = r.side, type = r.type, qty = r.quantity, price = r.price ?? null;
  if (typeof r.symbol !== "string") return "symbol must be a string";
  if (side !== "BUY" && side !== "SELL") return "side must be BUY or SELL";
  if (type !== "MARKET" && type !== "LIMIT") return "type must be MARKET or LIMIT";
  if (!Number.isSafeInteger(qty) || (qty as number) <= 0) return "quantity must be whole atoms > 0";
  if (price !== null && (!Number.isSafeInteger(price) || (price as number) <= 0)) {
    return "price must be whole atoms > 0 or null";
  }
  if (type === "LIMIT" && price === null) return "a LIMIT order needs a price";
  return {
    order: {
      symbol: r.symbol,
      side: side as Side,
      type,
      quantity: qty as number,
      price: price as number | null,
      strategy: "drill",
    },
    correlationId: typeof r.correlationId === "string" ? r.correlationId.slice(0, 100) : "drill",
  };
}

export interface DrillOptions {
  readonly venue: string;
  /** adminGuard(...) with the drill's own limiter. */
  readonly guard: Guard;
  readonly badRequest: CountRefusal;
}

export function drillHandler(
  loop: DrillLoop,
  o: DrillOptions,
): (req: Request, client: string) => Promise<Response> {
  return async (req, client) => {
    const refused = o.guard(req, client);
    if (refused) return refused;
    if (req.method === "GET") return json(200, { orders: loop.orders() });
    if (req.method === "DELETE") {
      const id = new URL(req.url).searchParams.get("clientOrderId") ?? "";
      const r = await loop.cancelOrder(o.venue, id);
      return json(r.ok ? 200 : 409, r);
    }
    if (req.method !== "POST") {
      return refusal(o.badRequest, 405, "method", `method ${req.method} not allowed`, {
        allow: "GET, POST, DELETE",
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return refusal(o.badRequest, 400, "bad_body", "body must be JSON");
    }
    const p = parseOrder(body);
    if (typeof p === "string") return refusal(o.badRequest, 400, "bad_body", p);
    const r = await loop.submitOrder(o.venue, p.order, p.correlationId);
    return json(r.ok ? 200 : 409, r);
  };
}
