// Binance's WebSocket API (/ws-api/v3) over the same order endpoints, transport-free: a request
// frame in, response frames out, in the documented envelope {"id","status","result"|"error"}.
// Signed methods carry apiKey/timestamp/signature in params (signed over the sorted params). The
// user data stream is the current mechanism, userDataStream.subscribe.signature; events go out as
// {"subscriptionId": N, "event": {...}}. The listenKey methods were switched off in February 2026.
import { ERR, errorBody, mandatory, type VenueError } from "./errors.ts";
import { type SignedEndpoint, signedEndpoints } from "./endpoints.ts";
import type { Limited, RateLimiter } from "./rate_limits.ts";
import { exchangeInfo } from "./rest_lists.ts";
import type { Reply, TradingContext } from "./rest_orders.ts";
import { type ApiKey, checkTiming, lookupKey, signatureValid, wsPayload } from "./signing.ts";
import type { OrderEvent } from "./types.ts";
import { accountPosition, executionReport } from "./user_events.ts";
import type { Params } from "./validate.ts";

/** One connection's user-data subscriptions: subscriptionId -> account. */
export interface WsSession {
  readonly subs: Map<number, string>;
  nextSubId: number;
}

export const newSession = (): WsSession => ({ subs: new Map(), nextSubId: 0 });

type Id = number | string | null;

/** Params of a WS request as the shared endpoint code reads them (arrays as JSON, numbers as text). */
function asParams(params: Readonly<Record<string, unknown>>): Params {
  return {
    get(name) {
      const v = params[name];
      if (v === undefined || v === null) return null;
      return Array.isArray(v) ? JSON.stringify(v) : String(v);
    },
  };
}

/** The account a signed WS request acts for, or Binance's refusal. */
export function verifyWs(
  params: Readonly<Record<string, unknown>>,
  keys: ReadonlyMap<string, ApiKey>,
  now: number,
): ApiKey | VenueError {
  const key = lookupKey(typeof params.apiKey === "string" ? params.apiKey : null, keys);
  if ("code" in key) return key;
  const sig = params.signature;
  if (typeof sig !== "string" || sig === "") return mandatory("signature");
  if (!signatureValid(key.secret, wsPayload(params), sig)) return ERR.badSignature;
  const p = asParams(params);
  return checkTiming(p.get("timestamp"), p.get("recvWindow"), now) ?? key;
}

export class WsApi {
  readonly #ctx: TradingContext;
  readonly #keys: ReadonlyMap<string, ApiKey>;
  readonly #now: () => number;
  readonly #signed: ReadonlyMap<string, SignedEndpoint>;
  readonly #limiter: RateLimiter | undefined;

  constructor(
    opts: { ctx: TradingContext; keys: readonly ApiKey[]; now: () => number; limiter?: RateLimiter },
  ) {
    const ctx = this.#ctx = opts.ctx;
    this.#keys = new Map(opts.keys.map((k) => [k.key, k]));
    this.#now = opts.now;
    this.#signed = new Map(signedEndpoints(ctx).map((e) => [e.ws, e]));
    this.#limiter = opts.limiter;
  }

  /** Answers one request frame: the response, then any events it ends (eventStreamTerminated). */
  handle(session: WsSession, text: string): string[] {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return [reply(null, 400, undefined, { code: -1000, msg: "Invalid JSON request." })];
    }
    const m = typeof msg === "object" && msg !== null ? msg as Record<string, unknown> : {};
    const id: Id = typeof m.id === "number" || typeof m.id === "string" ? m.id : null;
    const params = typeof m.params === "object" && m.params !== null
      ? m.params as Record<string, unknown>
      : {};
    const method = typeof m.method === "string" ? m.method.replace(/^v3\//, "") : "";
    const now = this.#now();
    // Rate limits (shared with REST through one limiter): weight first, refusals carry data.retryAfter.
    const rateLimits: Record<string, unknown>[] = [];
    if (this.#limiter) {
      const used = this.#limiter.request("127.0.0.1", this.#weight(method, params), now);
      if ("code" in used) return [limitedReply(id, used, now)];
      rateLimits.push({ ...this.#limiter.describe()[0], count: used.used });
    }
    const frames = this.#dispatch(session, id, method, params, now, rateLimits);
    if (rateLimits.length === 0 || params.returnRateLimits === false) return frames;
    const first = JSON.parse(frames[0]);
    return [JSON.stringify({ ...first, rateLimits }), ...frames.slice(1)];
  }

  #weight(method: string, params: Record<string, unknown>): number {
    const e = this.#signed.get(method);
    if (e) return e.weight(asParams(params));
    return method === "exchangeInfo" ? 20 : method.startsWith("userDataStream.") ? 2 : 1;
  }

  #dispatch(
    session: WsSession,
    id: Id,
    method: string,
    params: Record<string, unknown>,
    now: number,
    rateLimits: Record<string, unknown>[],
  ): string[] {
    const r = this.#public(method, params, now);
    if (r) return [fromReply(id, r)];
    if (method.startsWith("userDataStream.") || method.startsWith("session.")) {
      return this.#stream(session, id, method, params, now);
    }
    const f = this.#signed.get(method)?.call;
    if (!f) return [reply(id, 400, undefined, { code: -1000, msg: `Unknown method '${method}'.` })];
    const key = verifyWs(params, this.#keys, now);
    if ("code" in key) return [fail(id, key)];
    if (!this.#ctx.engine.accounts.has(key.account)) return [fail(id, ERR.rejectedKey)];
    if (this.#limiter && method === "order.place") {
      const n = this.#limiter.order(key.account, now);
      if ("code" in n) return [limitedReply(id, n, now)];
      const [s10, d1] = this.#limiter.describe().slice(1);
      rateLimits.push({ ...s10, count: n.count10s }, { ...d1, count: n.count1d });
    }
    const res = f(key.account, asParams(params), now);
    return [fromReply(id, res)];
  }

  #public(method: string, params: Record<string, unknown>, now: number): Reply | null {
    if (method === "ping") return { status: 200, body: {} };
    if (method === "time") return { status: 200, body: { serverTime: now } };
    if (method === "exchangeInfo") return exchangeInfo(this.#ctx, asParams(params), now);
    return null;
  }

  #stream(
    session: WsSession,
    id: Id,
    method: string,
    params: Record<string, unknown>,
    now: number,
  ): string[] {
    switch (method) {
      case "userDataStream.subscribe.signature": {
        const key = verifyWs(params, this.#keys, now);
        if ("code" in key) return [fail(id, key)];
        if ([...session.subs.values()].includes(key.account)) {
          return [
            reply(id, 400, undefined, { code: -2035, msg: "User Data Stream subscription already active." }),
          ];
        }
        const subscriptionId = session.nextSubId++;
        session.subs.set(subscriptionId, key.account);
        return [reply(id, 200, { subscriptionId })];
      }
      case "userDataStream.unsubscribe": {
        const only = typeof params.subscriptionId === "number" ? params.subscriptionId : null;
        const ended = [...session.subs.keys()].filter((s) => only === null || s === only);
        for (const s of ended) session.subs.delete(s);
        return [
          reply(id, 200, {}),
          ...ended.map((s) =>
            JSON.stringify({ subscriptionId: s, event: { e: "eventStreamTerminated", E: now } })
          ),
        ];
      }
      case "session.subscriptions":
        return [reply(id, 200, [...session.subs.keys()].map((subscriptionId) => ({ subscriptionId })))];
      default: // userDataStream.start / ping / stop and logon-based methods (Ed25519 only) are not served
        return [
          reply(id, 410, undefined, { code: -1000, msg: `Method '${method}' is no longer available.` }),
        ];
    }
  }

  /**
   * The user-data events of an engine change, built once (execution ids are venue-wide): for each
   * event its account, an executionReport and the account position after it.
   */
  userEvents(events: readonly OrderEvent[]): { account: string; event: Record<string, unknown> }[] {
    const out: { account: string; event: Record<string, unknown> }[] = [];
    for (const ev of events) {
      const s = this.#ctx.engine.symbols.get(ev.order.symbol)!;
      const acct = this.#ctx.engine.accounts.get(ev.order.account)!;
      out.push({ account: acct.name, event: executionReport(s, ev, this.#ctx.engine.nextExecutionId++) });
      out.push({ account: acct.name, event: accountPosition(s, acct, ev.time) });
    }
    return out;
  }
}

/** The frames one session receives of `userEvents(...)`. */
export function framesFor(
  session: WsSession,
  events: readonly { account: string; event: unknown }[],
): string[] {
  const out: string[] = [];
  for (const e of events) {
    for (const [subscriptionId, account] of session.subs) {
      if (e.account === account) out.push(JSON.stringify({ subscriptionId, event: e.event }));
    }
  }
  return out;
}

function reply(id: Id, status: number, result: unknown, error?: { code: number; msg: string }): string {
  return JSON.stringify(error ? { id, status, error } : { id, status, result });
}

const fail = (id: Id, e: VenueError): string => reply(id, e.http, undefined, errorBody(e));

/** 429 / 418 in the envelope: data.retryAfter is when to try again (epoch ms), with the server time. */
function limitedReply(id: Id, l: Limited, now: number): string {
  return JSON.stringify({
    id,
    status: l.http,
    error: { code: l.code, msg: l.msg, data: { serverTime: now, retryAfter: now + l.retryAfterS * 1000 } },
  });
}

/** A shared endpoint's reply in the envelope: 4XX/5XX bodies are the `error`. */
const fromReply = (id: Id, r: Reply): string =>
  r.status < 400
    ? reply(id, r.status, r.body)
    : reply(id, r.status, undefined, r.body as { code: number; msg: string });
