// Test input server (not a test): a real HTTP/SSE server on port 0 speaking the live feed's contract,
// GET /api/bars (history, oldest first) and GET /stream/bars (event: bar / event: heartbeat, id =
// venue|symbol|interval|openTimeMs, Last-Event-ID replay). The test decides what is published when.
import type { ClosedBar } from "../lib/market/types.ts";
import { waitFor as waitUntil, withDeadline } from "../lib/async/poll.ts";

const enc = new TextEncoder();
const idOf = (b: ClosedBar) => `${b.venue}|${b.symbol}|${b.interval}|${b.openTimeMs}`;

export type ReplayMode = "last-event-id" | "all";

export class TestFeed {
  /** Bars published so far = the feed's store (what /api/bars serves). */
  readonly published: ClosedBar[] = [];
  /** Last-Event-ID header of each /stream/bars request ("" when absent). */
  readonly streamRequests: string[] = [];
  readonly streamQueries: string[] = [];
  readonly historyRequests: string[] = [];
  /** false: both endpoints answer 503 (the feed is down). */
  up = true;
  replay: ReplayMode = "last-event-id";
  readonly #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #closing = false;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly url: string;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  get clients(): number {
    return this.#clients.size;
  }

  #handle(req: Request): Response {
    const u = new URL(req.url);
    // Closing: a client still reconnecting must not open a stream that shutdown() would wait on.
    if (!this.up || this.#closing) return new Response("feed down\n", { status: 503 });
    if (u.pathname === "/api/bars") {
      this.historyRequests.push(u.search);
      const limit = Number(u.searchParams.get("limit") ?? "1000");
      const rows = this.published.filter((b) =>
        b.venue === u.searchParams.get("venue") && b.symbol === u.searchParams.get("symbol") &&
        b.interval === u.searchParams.get("interval")
      );
      return Response.json(limit > 0 ? rows.slice(-limit) : []);
    }
    if (u.pathname !== "/stream/bars") return new Response("not found\n", { status: 404 });
    const lastId = req.headers.get("last-event-id") ?? "";
    this.streamRequests.push(lastId);
    this.streamQueries.push(u.search);
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        ctl = c;
        this.#clients.add(c);
        const from = this.replay === "all" ? 0 : this.published.findIndex((b) => idOf(b) === lastId) + 1;
        if (this.replay === "all" || lastId) {
          for (const b of this.published.slice(from)) c.enqueue(enc.encode(barFrame(b)));
        }
      },
      cancel: () => {
        this.#clients.delete(ctl);
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  }

  #send(frame: string): void {
    const bytes = enc.encode(frame);
    for (const c of this.#clients) {
      try {
        c.enqueue(bytes);
      } catch {
        this.#clients.delete(c); // the client went away before cancel() ran
      }
    }
  }

  /** Adds bars to the store and pushes them to open streams. */
  publish(bars: readonly ClosedBar[], push = true): void {
    for (const b of bars) {
      this.published.push(b);
      if (push) this.#send(barFrame(b));
    }
  }

  /** Sends a raw frame (e.g. a malformed bar) to open streams. */
  raw(frame: string): void {
    this.#send(frame);
  }

  heartbeat(feedOk: boolean, nowMs = 0): void {
    this.#send(
      `event: heartbeat\ndata: ${JSON.stringify({ feedOk, nowMs, stale: feedOk ? [] : ["x"] })}\n\n`,
    );
  }

  /** Ends every open stream (the feed restarted or the network dropped). */
  dropClients(): void {
    for (const c of this.#clients) c.close();
    this.#clients.clear();
  }

  /** Ends every stream and stops the server; throws (no hang) if a connection keeps it open. */
  async close(timeoutMs = 20_000): Promise<void> {
    this.#closing = true;
    this.dropClients();
    await withDeadline("the test feed server to shut down", this.#server.shutdown(), timeoutMs);
  }
}

export function barFrame(b: ClosedBar): string {
  return `event: bar\nid: ${idOf(b)}\ndata: ${JSON.stringify(b)}\n\n`;
}

/** Waits for a condition by polling (event-driven code under test; no time is asserted). */
export function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  return waitUntil(what, cond, { timeoutMs, everyMs: 5 });
}

/** Reads the events file as parsed objects. */
export async function readEvents(path: string): Promise<Record<string, unknown>[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}
