// The feed connection lifecycle: fetch the SSE stream, parse it, report open/events/close, reconnect
// with capped exponential backoff plus jitter, and resume with Last-Event-ID. No strategy logic here.
import { backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";
import { type SseEvent, SseParser } from "./sse_parser.ts";

export interface FeedStreamHandlers {
  /** Runs before every connection attempt (history warm-up / catch-up); throwing fails the attempt. */
  beforeConnect?(signal: AbortSignal): Promise<void>;
  /** The stream answered 200 text/event-stream. */
  onOpen(): void;
  onEvent(ev: SseEvent): void;
  /** The attempt failed or the open stream ended; a reconnect follows unless stopping. */
  onClose(reason: string): void;
}

export interface FeedStreamOptions {
  /** Full URL of the stream, e.g. http://127.0.0.1:8000/stream/bars. */
  readonly url: string;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Jitter source in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export class FeedStream {
  /** Sent as Last-Event-ID on every (re)connect when non-empty; the service may seed it. */
  lastEventId = "";
  /** Connection attempts after the first. */
  reconnects = 0;
  #conn: AbortController | null = null;
  #opened = false;
  readonly #opts: FeedStreamOptions;
  readonly #h: FeedStreamHandlers;

  constructor(opts: FeedStreamOptions, handlers: FeedStreamHandlers) {
    this.#opts = opts;
    this.#h = handlers;
  }

  /** Drops the current connection (e.g. it went silent); the run loop reconnects. */
  restart(): void {
    this.#conn?.abort(new Error("restart"));
  }

  /** Connects and reconnects until `signal` aborts. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const rand = this.#opts.random ?? Math.random;
    let attempt = 0;
    let first = true;
    while (!signal.aborted) {
      if (!first) this.reconnects++;
      first = false;
      const conn = new AbortController();
      this.#conn = conn;
      const onStop = () => conn.abort(new Error("stop"));
      signal.addEventListener("abort", onStop, { once: true });
      this.#opened = false;
      let reason = "ended";
      try {
        await this.#connectOnce(conn.signal);
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      } finally {
        signal.removeEventListener("abort", onStop);
        this.#conn = null;
      }
      if (signal.aborted) return;
      this.#h.onClose(conn.signal.aborted ? "restart" : reason);
      if (this.#opened) attempt = 0;
      const backoff = {
        baseMs: this.#opts.backoffBaseMs,
        maxMs: this.#opts.backoffMaxMs,
        jitter: "equal",
      } as const;
      await sleep(backoffDelayMs(attempt++, backoff, rand), signal);
    }
  }

  /** One connection, until the stream ends. Throws on a failed attempt or a broken stream. */
  async #connectOnce(signal: AbortSignal): Promise<void> {
    await this.#h.beforeConnect?.(signal);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (this.lastEventId) headers["last-event-id"] = this.lastEventId;
    const res = await fetch(this.#opts.url, { headers, signal });
    const type = res.headers.get("content-type") ?? "";
    if (!res.ok || !res.body || !type.startsWith("text/event-stream")) {
      await res.body?.cancel();
      throw new Error(`stream answered HTTP ${res.status} ${type || "(no content-type)"}`);
    }
    this.#opened = true;
    this.#h.onOpen();
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    // Stop/restart cancel the read themselves: a pending read must end even if the fetch's abort
    // does not reach the piped body (stop must never wait on a quiet stream).
    const onAbort = () => void reader.cancel(signal.reason).catch(() => {});
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal.aborted) onAbort();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) break;
        for (const ev of parser.push(value)) {
          if (parser.lastEventId) this.lastEventId = parser.lastEventId;
          this.#h.onEvent(ev);
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
}
