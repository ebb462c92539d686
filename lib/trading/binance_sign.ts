// Binance request signing (binance_trading.md §1), HMAC keys: lowercase hex HMAC-SHA256 keyed with the
// secret. REST signs the exact query string followed directly by the body; the WebSocket API signs its
// params sorted by name as name=value joined with "&". Callers pass a Signer
// (ApiCredentials.sign), so the secret itself stays inside the credentials object.
import { createHmac } from "node:crypto";

export type Params = Readonly<Record<string, string | number | boolean | undefined>>;

/** Lowercase hex HMAC-SHA256 of `payload` (UTF-8) keyed with `secret`. */
export function hmacHex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

/**
 * `a=1&b=2` in the given order, undefined values left out, each name and value percent-encoded
 * (RFC 3986 unreserved kept), so non-ASCII is encoded before signing as the venue requires.
 */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    parts.push(`${pct(k)}=${pct(String(v))}`);
  }
  return parts.join("&");
}

function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The REST signature: over `query + body` exactly as sent, no separator (appended as `&signature=`). */
export function signRest(sign: Signer, query: string, body = ""): string {
  return sign(query + body);
}

/** The WebSocket API payload: every param but `signature`, sorted by name, `name=value` joined by "&". */
export function wsPayload(params: Params): string {
  return Object.keys(params)
    .filter((k) => k !== "signature" && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

/** Signs a payload: hmacHex with the secret bound, e.g. ApiCredentials.sign. */
export type Signer = (payload: string) => string;

/** `params` plus their WebSocket API `signature`. */
export function signWsParams(sign: Signer, params: Params): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && k !== "signature") out[k] = v;
  out.signature = sign(wsPayload(out));
  return out;
}
