// Binance request signing as the venue checks it (HMAC keys): REST signs the raw query string
// followed directly by the body, both without the `signature` parameter; the WebSocket API signs its
// params sorted by name. Hex signatures compare case-insensitively. Then the timing rule: refused
// when `timestamp` is 1 s or more ahead of server time or older than `recvWindow` (default 5000 ms).
import { createHmac, timingSafeEqual } from "node:crypto";
import { ERR, mandatory, type VenueError } from "./errors.ts";

/** An API key the simulator accepts, and the account it trades for. */
export interface ApiKey {
  readonly key: string;
  readonly secret: string;
  readonly account: string;
}

/** Binance API keys are 64 alphanumerics; anything else is -2014 before the key is looked up. */
const KEY_FORMAT = /^[A-Za-z0-9]{64}$/;
export const DEFAULT_RECV_WINDOW = 5000;
export const MAX_RECV_WINDOW = 60_000;

export function hmacHex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/** A raw query string or form body without its `signature=` parameters. */
export function stripSignature(raw: string): string {
  return raw === "" ? "" : raw.split("&").filter((p) => !p.startsWith("signature=")).join("&");
}

/** The WebSocket API payload: every param but `signature`, sorted by name, `name=value` joined by `&`. */
export function wsPayload(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params).filter((k) => k !== "signature").sort()
    .map((k) => `${k}=${String(params[k])}`).join("&");
}

/** The key a header names: -2014 when missing or malformed, -2015 when not configured. */
export function lookupKey(apiKey: string | null, keys: ReadonlyMap<string, ApiKey>): ApiKey | VenueError {
  if (apiKey === null || !KEY_FORMAT.test(apiKey)) return ERR.badKeyFormat;
  return keys.get(apiKey) ?? ERR.rejectedKey;
}

/** Does `signature` (hex, any case) sign `payload` with `secret`? */
export function signatureValid(secret: string, payload: string, signature: string): boolean {
  const want = new TextEncoder().encode(hmacHex(secret, payload));
  const got = new TextEncoder().encode(signature.toLowerCase());
  return got.length === want.length && timingSafeEqual(got, want);
}

/** -1021 when `timestamp` (ms, or µs when above 1e14) is outside the window around `serverNow`. */
export function checkTiming(
  timestamp: string | null,
  recvWindow: string | null,
  serverNow: number,
): VenueError | null {
  if (timestamp === null || !/^[0-9]{1,17}$/.test(timestamp)) return mandatory("timestamp");
  let ts = Number(timestamp);
  if (ts > 1e14) ts = ts / 1000; // microseconds
  let window = DEFAULT_RECV_WINDOW;
  if (recvWindow !== null) {
    window = Number(recvWindow);
    if (!/^[0-9]{1,6}(\.[0-9]{1,3})?$/.test(recvWindow) || window > MAX_RECV_WINDOW) {
      return mandatory("recvWindow");
    }
  }
  if (ts >= serverNow + 1000) return ERR.timestampAhead;
  if (serverNow - ts > window) return ERR.timestampOutside;
  return null;
}

/** What a signed REST request carries, as read off the wire. */
export interface RawSigned {
  readonly apiKey: string | null;
  /** The query string without its leading "?". */
  readonly query: string;
  /** The form body ("" when none). */
  readonly body: string;
}

/** The caller's key and merged parameters (the query string wins a clash), or Binance's refusal. */
export function verifySigned(
  req: RawSigned,
  keys: ReadonlyMap<string, ApiKey>,
  serverNow: number,
): { key: ApiKey; params: URLSearchParams } | VenueError {
  const key = lookupKey(req.apiKey, keys);
  if ("code" in key) return key;
  const params = new URLSearchParams(req.body);
  for (const [k, v] of new URLSearchParams(req.query)) params.set(k, v);
  const signature = params.get("signature");
  if (!signature) return mandatory("signature");
  const payload = stripSignature(req.query) + stripSignature(req.body);
  if (!signatureValid(key.secret, payload, signature)) return ERR.badSignature;
  const late = checkTiming(params.get("timestamp"), params.get("recvWindow"), serverNow);
  if (late) return late;
  return { key, params };
}
