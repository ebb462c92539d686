// Ack faults on the wire, logged: runs one REST call under the fault the trading chaos picked and
// writes one chaos-log line naming the fault, the route, the order's clientOrderId and (when the
// order exists) its orderId. Only ids leave here: never the API key, the signature or the secret.
import type { ChaosEvent } from "../chaos.ts";
import { type AckFault, withAckFault } from "./ack_faults.ts";

export type ChaosSink = (e: ChaosEvent) => void;

const KIND = { lost_after: "ack_lost_placed", fail_before: "ack_5xx_unplaced", delay: "ack_delay" } as const;

/** The client order id a request names (the new one for a place, the original for a query/cancel). */
async function clientIdOf(req: Request): Promise<string | undefined> {
  const body = req.method === "GET" ? "" : await req.text();
  const p = new URLSearchParams(new URL(req.url).search.slice(1) + "&" + body);
  return p.get("newClientOrderId") ?? p.get("origClientOrderId") ?? undefined;
}

/** Ids of the order a reply describes (none when it is an error body). */
async function idsOf(res: Response): Promise<{ clientOrderId?: string; orderId?: number }> {
  try {
    const b = await res.clone().json();
    return typeof b?.orderId === "number" ? { clientOrderId: b.clientOrderId, orderId: b.orderId } : {};
  } catch {
    return {};
  }
}

/** `call` under `fault`, with one chaos-log line when a fault was applied (before a delayed ack waits). */
export async function faultedCall(
  fault: AckFault,
  req: Request,
  call: (req: Request) => Promise<Response | null>,
  log: ChaosSink,
  wait?: (ms: number) => Promise<void>,
): Promise<Response | null> {
  if (fault.kind === "none") return call(req);
  const sent = await clientIdOf(req.clone());
  const line = (placed: { clientOrderId?: string; orderId?: number; status?: number }) =>
    log({
      kind: KIND[fault.kind],
      venue: "binance",
      route: `${req.method} ${new URL(req.url).pathname}`,
      clientOrderId: placed.clientOrderId ?? sent,
      ...(placed.orderId !== undefined ? { orderId: placed.orderId } : {}),
      ...(placed.status !== undefined ? { venueStatus: placed.status } : {}),
      ...(fault.kind === "delay" ? { ms: fault.ms } : {}),
    });
  if (fault.kind === "fail_before") line({});
  return await withAckFault(fault, async () => {
    const r = await call(req);
    if (r) line({ ...(await idsOf(r)), status: r.status });
    return r;
  }, wait);
}
