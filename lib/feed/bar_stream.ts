// The feed's closed-bar stream (SSE on :8000 /stream/bars): `event: bar` with the ClosedBar as JSON
// and `id: venue|symbol|interval|openTimeMs`; `event: heartbeat` every few seconds saying whether
// the feed is healthy. Reconnecting clients send Last-Event-ID and get the bars they missed that are
// still in the replay ring. A bar corrected after publication (REST repair, restated features) is
// published again with the same id: consumers replace the bar they hold for that key.
import type { ClosedBar } from "../market/types.ts";

export interface FeedHealth {
  feedOk: boolean;
  nowMs: number;
  /** venue/symbol pairs with no data for longer than the stale timeout. */
  stale: string[];
  /** The feed clock's speed: bar times / speed = wall ms (the shadow's decision latency needs it). */
  speed?: number;
}

interface Subscriber {
  ctrl: ReadableStreamDefaultController<Uint8Array>;
  filter: (b: ClosedBar) => boolean;
}

export function barEventId(b: ClosedBar): string {
  return `${b.venue}|${b.symbol}|${b.interval}|${b.openTimeMs}`;
}

const enc = new TextEncoder();

export class BarStreamHub {
  readonly #ring: { id: string; bar: ClosedBar; frame: Uint8Array }[] = [];
  readonly #subs = new Set<Subscriber>();
  #published = 0;
  #droppedSubscribers = 0;

  constructor(private readonly ringSize = 2000, private readonly maxQueuedBytes = 4 * 1024 * 1024) {}

  get subscribers(): number {
    return this.#subs.size;
  }
  get published(): number {
    return this.#published;
  }
  get droppedSubscribers(): number {
    return this.#droppedSubscribers;
  }

  publish(bar: ClosedBar): void {
    const id = barEventId(bar);
    const frame = enc.encode(`event: bar\nid: ${id}\ndata: ${JSON.stringify(bar)}\n\n`);
    this.#ring.push({ id, bar, frame });
    if (this.#ring.length > this.ringSize) this.#ring.shift();
    this.#published++;
    for (const s of this.#subs) if (s.filter(bar)) this.#send(s, frame);
  }

  heartbeat(health: FeedHealth): void {
    const frame = enc.encode(`event: heartbeat\ndata: ${JSON.stringify(health)}\n\n`);
    for (const s of this.#subs) this.#send(s, frame);
  }

  /** A slow consumer is cut off rather than allowed to grow the feed's memory without bound. */
  #send(s: Subscriber, frame: Uint8Array): void {
    if ((s.ctrl.desiredSize ?? 0) < -this.maxQueuedBytes) {
      this.#subs.delete(s);
      this.#droppedSubscribers++;
      try {
        s.ctrl.close();
      } catch { /* already closed */ }
      return;
    }
    s.ctrl.enqueue(frame);
  }

  /** GET /stream/bars[?venue=&symbol=&interval=] (Last-Event-ID resumes from the ring). */
  handle(req: Request, health: () => FeedHealth): Response {
    const q = new URL(req.url).searchParams;
    const venue = q.get("venue"), symbol = q.get("symbol"), interval = q.get("interval");
    const filter = (b: ClosedBar) =>
      (!venue || b.venue === venue) && (!symbol || b.symbol === symbol) &&
      (!interval || b.interval === interval);
    const lastId = req.headers.get("last-event-id");
    let sub: Subscriber | null = null;
    const body = new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        sub = { ctrl, filter };
        ctrl.enqueue(enc.encode(`retry: 1000\nevent: heartbeat\ndata: ${JSON.stringify(health())}\n\n`));
        if (lastId) {
          // The first publication of that id: a client that saw the original but not its correction
          // gets the correction and the bars between; one that saw the correction gets them again,
          // which replacing by key makes harmless.
          const at = this.#ring.findIndex((r) => r.id === lastId);
          if (at >= 0) { for (const r of this.#ring.slice(at + 1)) if (filter(r.bar)) ctrl.enqueue(r.frame); }
        }
        this.#subs.add(sub);
      },
      cancel: () => {
        if (sub) this.#subs.delete(sub);
      },
    }, { highWaterMark: this.maxQueuedBytes, size: (c) => c.byteLength });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const s of this.#subs) {
      try {
        s.ctrl.close();
      } catch { /* already closed */ }
    }
    this.#subs.clear();
  }
}
