// A tiny Binance spot TRADING double for the connector's tests, until lib/sim speaks the private API:
// a real HTTP server on 127.0.0.1:0 answering Binance's signed REST wire format (binance_trading.md
// §1, §2, §4) under a path prefix as the simulator will (`/binance/api/v3/...`), and the WebSocket API
// user stream (testing/binance_trade_double_ws.ts). Orders rest until the test fills or cancels them;
// no matching. Faults are queued by the test for the next order request. Signatures are checked with
// Web Crypto, independently of the connector's signer.
import {
  type DoubleOrder,
  type DoubleTrade,
  err,
  executionReport,
  hmacHexWebCrypto,
  isOpen,
  newOrder,
} from "./binance_trade_double_wire.ts";
import { type UserSocket, wsApiHandler } from "./binance_trade_double_ws.ts";

export type { DoubleOrder, DoubleTrade };

export type Fault =
  | { readonly kind: "hang"; readonly placed: boolean }
  | { readonly kind: "drop"; readonly placed: boolean }
  | {
    readonly kind: "error";
    readonly status: number;
    readonly code?: number;
    readonly msg?: string;
    readonly placed: boolean;
    readonly retryAfter?: number;
  };

export class BinanceTradeDouble {
  readonly orders: DoubleOrder[] = [];
  readonly trades: DoubleTrade[] = [];
  readonly faults: Fault[] = [];
  /** Every request line as received (method, path, query, body), for tests that check the wire. */
  readonly requests: { method: string; path: string; query: string; body: string; apiKey: string | null }[] =
    [];
  readonly sockets = new Set<UserSocket>();
  balances: { asset: string; free: string; locked: string }[] = [{
    asset: "USDT",
    free: "1000.00000000",
    locked: "0.00000000",
  }];
  /** The venue's clock runs this far ahead of the machine's. */
  skewMs = 0;
  usedWeight = 0;
  orderCount10s = 0;
  #nextOrderId = 1;
  #nextTradeId = 1;
  #hung: (() => void)[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(readonly apiKey: string, readonly secret: string, readonly prefix = "/binance") {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => this.#handle(req));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#server.addr.port}${this.prefix}`;
  }
  get wsApiUrl(): string {
    return `ws://127.0.0.1:${this.#server.addr.port}${this.prefix}/ws-api/v3`;
  }
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** Checks key, timestamp window and signature of a signed payload; a Binance error Response or null. */
  async checkSigned(
    apiKey: string | null,
    payload: string,
    params: URLSearchParams,
  ): Promise<Response | null> {
    if (!apiKey) return err(401, -2014, "API-key format invalid.");
    if (apiKey !== this.apiKey) return err(401, -2015, "Invalid API-key, IP, or permissions for action.");
    const ts = Number(params.get("timestamp"));
    const window = Number(params.get("recvWindow") ?? "5000");
    if (ts - this.now() >= 1000 || this.now() - ts > window) {
      return err(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
    const sig = params.get("signature") ?? "";
    const unsigned = payload.replace(/&?signature=[^&]*/, "");
    if (sig.toLowerCase() !== await hmacHexWebCrypto(this.secret, unsigned)) {
      return err(400, -1022, "Signature for this request is not valid.");
    }
    return null;
  }

  /** Fills `qty` of a resting order at its price: a myTrades row and the user-stream events. */
  fill(clientOrderId: string, qty: string): DoubleTrade {
    const o = this.orders.find((x) => x.clientOrderId === clientOrderId && isOpen(x));
    if (!o) throw new Error(`no open order ${clientOrderId}`);
    const executed = Number(o.executedQty) + Number(qty);
    o.executedQty = executed.toFixed(8);
    o.cummulativeQuoteQty = (executed * Number(o.price)).toFixed(8);
    o.status = executed >= Number(o.origQty) ? "FILLED" : "PARTIALLY_FILLED";
    o.updateTime = this.now();
    const t: DoubleTrade = {
      symbol: o.symbol,
      id: this.#nextTradeId++,
      orderId: o.orderId,
      orderListId: -1,
      price: o.price,
      qty: Number(qty).toFixed(8),
      quoteQty: (Number(qty) * Number(o.price)).toFixed(8),
      commission: "0.00000000",
      commissionAsset: o.side === "BUY" ? o.symbol.replace(/USDT$/, "") : "USDT",
      time: o.updateTime,
      isBuyer: o.side === "BUY",
      isMaker: true,
      isBestMatch: true,
    };
    this.trades.push(t);
    this.push(executionReport(o, "TRADE", "", t));
    return t;
  }

  /** Sends a user-data event to every subscribed socket, wrapped as Binance wraps it. */
  push(event: Record<string, unknown>): void {
    for (const s of this.sockets) s.push(event);
  }

  async close(): Promise<void> {
    for (const release of this.#hung) release();
    for (const s of this.sockets) s.close();
    await this.#server.shutdown();
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (!url.pathname.startsWith(this.prefix + "/")) return new Response("not found", { status: 404 });
    const path = url.pathname.slice(this.prefix.length);
    if (path === "/ws-api/v3") return wsApiHandler(this, req);
    const body = req.method === "GET" ? "" : await req.text();
    const query = url.search.slice(1);
    const apiKey = req.headers.get("X-MBX-APIKEY");
    this.requests.push({ method: req.method, path, query, body, apiKey });
    this.usedWeight += 1;
    const headers = { "content-type": "application/json", "X-MBX-USED-WEIGHT-1M": String(this.usedWeight) };
    const ok = (v: unknown, extra: Record<string, string> = {}) =>
      new Response(JSON.stringify(v), { status: 200, headers: { ...headers, ...extra } });
    if (path === "/api/v3/time" && req.method === "GET") return ok({ serverTime: this.now() });
    // Query string wins over the body on a name clash (binance_trading.md §1).
    const params = new URLSearchParams(body);
    for (const [k, v] of new URLSearchParams(query)) params.set(k, v);
    const denied = await this.checkSigned(apiKey, query + body, params);
    if (denied) return denied;
    const route = `${req.method} ${path}`;
    if (route === "POST /api/v3/order") return await this.#place(params, ok);
    const find = () =>
      this.orders.find((o) =>
        o.symbol === params.get("symbol") &&
        (params.has("orderId")
          ? o.orderId === Number(params.get("orderId"))
          : o.clientOrderId === params.get("origClientOrderId"))
      );
    if (route === "GET /api/v3/order") {
      const o = find();
      return o ? ok(o) : err(400, -2013, "Order does not exist.");
    }
    if (route === "DELETE /api/v3/order") {
      const o = find();
      if (!o || !isOpen(o)) return err(400, -2011, "Unknown order sent.");
      o.status = "CANCELED";
      o.updateTime = this.now();
      const cancelId = params.get("newClientOrderId") ?? `cancel${o.orderId}`;
      this.push(executionReport(o, "CANCELED", cancelId));
      return ok({
        ...o,
        origClientOrderId: o.clientOrderId,
        clientOrderId: cancelId,
        transactTime: o.updateTime,
      });
    }
    if (route === "GET /api/v3/openOrders") {
      return ok(
        this.orders.filter((o) => isOpen(o) && (!params.has("symbol") || o.symbol === params.get("symbol"))),
      );
    }
    if (route === "GET /api/v3/myTrades") {
      const from = Number(params.get("fromId") ?? "0"), limit = Number(params.get("limit") ?? "500");
      return ok(this.trades.filter((t) => t.symbol === params.get("symbol") && t.id >= from).slice(0, limit));
    }
    if (route === "GET /api/v3/account") return ok({ canTrade: true, balances: this.balances });
    return err(404, -1000, "An unknown error occurred while processing the request.");
  }

  async #place(
    p: URLSearchParams,
    ok: (v: unknown, h?: Record<string, string>) => Response,
  ): Promise<Response> {
    const fault = this.faults.shift();
    const id = p.get("newClientOrderId") ?? `auto${this.#nextOrderId}`;
    if (this.orders.some((o) => o.clientOrderId === id && isOpen(o))) {
      return err(400, -2010, "Duplicate order sent.");
    }
    const placed = !fault || fault.placed;
    const t = this.now();
    const o = newOrder(p, this.#nextOrderId++, id, t);
    if (placed) {
      this.orders.push(o);
      this.push(executionReport(o, "NEW", ""));
    }
    if (fault?.kind === "hang") {
      return await new Promise<Response>((r) => this.#hung.push(() => r(new Response("", { status: 599 }))));
    }
    if (fault?.kind === "drop") {
      // Headers go out, then the body breaks: the client sees the connection die mid-answer.
      const body = new ReadableStream({
        pull: (c) => c.error(new Error("connection dropped on purpose (a fault the test queued)")),
      });
      return new Response(body, { status: 200 });
    }
    if (fault?.kind === "error") {
      const extra: Record<string, string> = fault.retryAfter === undefined
        ? {}
        : { "Retry-After": String(fault.retryAfter) };
      return fault.code === undefined
        ? new Response("<html>upstream error</html>", { status: fault.status, headers: extra })
        : err(fault.status, fault.code, fault.msg ?? "", extra);
    }
    this.orderCount10s += 1;
    const counts = {
      "X-MBX-ORDER-COUNT-10S": String(this.orderCount10s),
      "X-MBX-ORDER-COUNT-1D": String(this.orderCount10s),
    };
    const ack = {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      transactTime: t,
    };
    return ok(
      p.get("newOrderRespType") === "ACK"
        ? ack
        : { ...ack, ...o, workingTime: t, selfTradePreventionMode: "NONE" },
      counts,
    );
  }
}
