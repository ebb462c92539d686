// The crash-point proof's mark feed: the feed's SSE contract (GET /stream/bars, event: bar / heartbeat;
// /api/bars history) on a free loopback port, publishing closed 1m bars at a close the proof sets. The
// loop's marks (equity, drawdown) and price collar follow it, so the drawdown case is deterministic
// instead of depending on a random market.
import type { ClosedBar } from "../market/types.ts";

const enc = new TextEncoder();

export class ProofFeed {
  readonly url: string;
  #close: number;
  #last: ClosedBar | null = null;
  readonly #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #timer: ReturnType<typeof setInterval>;
  #closing = false;

  /** `close`: the bars' price in quote units; one bar a second (the loop's feed gate needs fresh data). */
  constructor(readonly symbol: string, close: number, readonly now: () => number = Date.now) {
    this.#close = close;
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (r) => this.#handle(r));
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
    this.#timer = setInterval(() => this.publish(), 1000);
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Sets the close of the next bars and publishes one at once. */
  setClose(close: number): void {
    this.#close = close;
    this.publish();
  }

  publish(): void {
    const closeMs = Math.floor(this.now() / 1000) * 1000;
    const b: ClosedBar = {
      venue: "binance",
      symbol: this.symbol,
      interval: "1m",
      openTimeMs: closeMs - 60_000,
      o: this.#close,
      h: this.#close,
      l: this.#close,
      c: this.#close,
      v: 1,
      trades: 1,
      origin: "trades",
      closedAtMs: closeMs,
      features: {
        ema_12: null,
        ema_26: null,
        sma_20: null,
        rsi_14: null,
        atr_14: null,
        vwap_session_utc: null,
      },
    };
    this.#last = b;
    const frame = `event: bar\nid: binance|${b.symbol}|1m|${b.openTimeMs}\ndata: ${JSON.stringify(b)}\n\n` +
      `event: heartbeat\ndata: ${JSON.stringify({ feedOk: true, nowMs: closeMs, stale: [] })}\n\n`;
    for (const c of this.#clients) {
      try {
        c.enqueue(enc.encode(frame));
      } catch {
        this.#clients.delete(c);
      }
    }
  }

  #handle(req: Request): Response {
    const u = new URL(req.url);
    if (this.#closing) return new Response("feed down\n", { status: 503 });
    if (u.pathname === "/api/bars") return Response.json(this.#last ? [this.#last] : []);
    if (u.pathname !== "/stream/bars") return new Response("not found\n", { status: 404 });
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        ctl = c;
        this.#clients.add(c);
      },
      cancel: () => {
        this.#clients.delete(ctl);
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    for (const c of this.#clients) {
      try {
        c.close();
      } catch { /* gone */ }
    }
    this.#clients.clear();
    await this.#server.shutdown();
  }
}
