// Execution chaos at the reply: what a client sees of an order call when the venue misbehaves. Each
// fault produces exactly the ambiguity it names (binance_trading.md §4, execution.md §1):
//   delay        the call is processed, the reply comes `ms` later (slow ack; past a client's timeout)
//   lost_after   the call is processed, the reply is -1007 "status unknown" (HTTP 503): the order EXISTS
//   fail_before  the reply is the same -1007 / 503 but the call never reached the engine: NO order
//   closed_after the call is processed, then the connection dies mid-reply: the headers announce the
//                whole body, half of it is sent, the server closes the connection (the client's body
//                read fails, as on a reset): the order EXISTS
// Which call gets which fault is decided outside (the chaos runtime: flags, chaos file, chaos log).
import { sleep } from "../../async/sleep.ts";
import { json } from "./rest_handler.ts";

export type AckFault =
  | { readonly kind: "none" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "lost_after" }
  | { readonly kind: "fail_before" }
  | { readonly kind: "closed_after" };

export const NO_FAULT: AckFault = { kind: "none" };

/** Binance's -1007 body: sent with an unknown outcome whichever way the call went. */
export const TIMEOUT_BODY = {
  code: -1007,
  msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
} as const;

/** The HTTP status the simulator sends -1007 with (Binance documents no per-code status; 5XX = unknown). */
export const TIMEOUT_HTTP = 503;

/** Runs `call` (or not) as `fault` says; `wait` is the sleep (injected by tests). */
export async function withAckFault(
  fault: AckFault,
  call: () => Promise<Response | null>,
  wait: (ms: number) => Promise<void> = (ms) => sleep(ms),
): Promise<Response | null> {
  if (fault.kind === "fail_before") return json(TIMEOUT_HTTP, TIMEOUT_BODY);
  const res = await call();
  if (res === null) return null;
  if (fault.kind === "lost_after") {
    await res.body?.cancel();
    return json(TIMEOUT_HTTP, TIMEOUT_BODY);
  }
  if (fault.kind === "closed_after") return truncatedReply(res.status, await res.text());
  if (fault.kind === "delay") await wait(fault.ms);
  return res;
}

/**
 * The reply cut in half: Content-Length names the whole body, the stream ends early, so the server
 * closes the connection mid-body (no handler error, nothing logged as a server failure).
 */
export function truncatedReply(status: number, text: string): Response {
  const bytes = new TextEncoder().encode(text);
  const half = bytes.slice(0, Math.floor(bytes.length / 2));
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(half);
      c.close();
    },
  });
  return new Response(body, {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", "content-length": String(bytes.length) },
  });
}
