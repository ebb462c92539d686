// Ack faults on the wire, logged: runs one REST call under the fault the trading chaos picked and
// writes one chaos-log line naming the fault, the route, the order's clientOrderId and (when the
// order exists) its orderId. Only ids leave here: never the API key, the signature or the secret.
import type { ChaosEvent } from "../chaos.ts";
import { type AckFault, withAckFault } from "./ack_faults.ts";

export type ChaosSink = (e: ChaosEvent) => void;

const KIND = {
  lost_after: "ack_lost_placed",
  fail_before: "ack_5xx_unplaced",
  closed_after: "ack_connection_closed",
  delay: "ack_delay",
} as const;

export interface PlacedIds {
  readonly clientOrderId?: string;
  readonly orderId?: number;
  /** The status the venue answered before the fault replaced or held it. */
  readonly status?: number;
}

/** The chaos-log line of one applied ack fault (REST and WebSocket API alike). */
export function faultLine(
  fault: Exclude<AckFault, { kind: "none" }>,
  route: string,
  sentClientId: string | undefined,
  ids: PlacedIds,
): ChaosEvent {
  return {
    kind: KIND[fault.kind],
    venue: "binance",
    route,
    clientOrderId: ids.clientOrderId ?? sentClientId,
    ...(ids.orderId !== undefined ? { orderId: ids.orderId } : {}),
    ...(ids.status !== undefined ? { venueStatus: ids.status } : {}),
    ...(fault.kind === "delay" ? { ms: fault.ms } : {}),
  };
}

/** The client order id a request names (the new one for a place, the original for a query/cancel). */
async function clientIdOf(req: Request): Promise<string | undefined> {
  const body = req.method === "GET" ? "" : await req.text();
  const p = new URLSearchParams(new URL(req.url).search.slice(1) + "&" + body);
  return p.get("newClientOrderId") ?? p.get("origClientOrderId") ?? undefined;
}

/** Ids of the order a reply describes (none when it is an error body). */
async function idsOf(res: Response): Promise<PlacedIds> {
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
  const route = `${req.method} ${new URL(req.url).pathname}`;
  const line = (ids: PlacedIds) => log(faultLine(fault, route, sent, ids));
  if (fault.kind === "fail_before") line({});
  return await withAckFault(fault, async () => {
    const r = await call(req);
    if (r) line({ ...(await idsOf(r)), status: r.status });
    return r;
  }, wait);
}
