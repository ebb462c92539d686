// Execution chaos at the reply: what a client sees of an order call when the venue misbehaves. Each
// fault produces exactly the ambiguity it names (binance_trading.md §4, execution.md §1):
//   delay        the call is processed, the reply comes `ms` later (slow ack; past a client's timeout)
//   lost_after   the call is processed, the reply is -1007 "status unknown" (HTTP 503): the order EXISTS
//   fail_before  the reply is the same -1007 / 503 but the call never reached the engine: NO order
//   closed_after the call is processed, then the connection dies mid-reply: headers, then a body that
//                errors (Deno.serve aborts the stream; the client's body read fails): the order EXISTS
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
  if (fault.kind === "closed_after") {
    await res.body?.cancel();
    return brokenReply(res.status);
  }
  if (fault.kind === "delay") await wait(fault.ms);
  return res;
}

/** Headers go out, then the body stream errors: the server drops the connection mid-answer. */
export function brokenReply(status: number): Response {
  const body = new ReadableStream({ pull: (c) => c.error(new Error("simulated connection loss")) });
  return new Response(body, { status, headers: { "content-type": "application/json;charset=UTF-8" } });
}
