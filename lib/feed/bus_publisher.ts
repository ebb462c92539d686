// The feed's side of the market bus (BUS_URL set): every accepted trade and every stored closed bar
// is handed to the bus's bounded outbox and never awaited, so the market-data path goes on whatever
// the bus does. What the bus answers later is counted here for /metrics (lib/feed/bus_metrics.ts):
// acks per kind with their latency from enqueue, refusals for good; a full outbox is counted by the
// outbox itself and logged here (at most once per FULL_LOG_EVERY_MS), never dropped silently.
//
// Revisions: a bar's first publication is revision 0; a bar published again (corrected from REST,
// features restated, or recomputed at a warm start) carries a revision derived from its content.
// A per-process counter would restart at 1 after a restart and collide, inside the duplicate
// window, with what the previous run sent under the same id for different content; a content
// revision gives equal content one id (two feeds, a resend) and different content another.
import type { MarketBus, PublishAck } from "../bus/market_bus.ts";
import { OutboxClosedError, OutboxFullError, type OutboxStats } from "../bus/outbox.ts";
import { fnv1a64 } from "../bus/subjects.ts";
import type { Logger } from "../log.ts";
import type { ClosedBar, Trade } from "../market/types.ts";
import { BUS_PUBLISH_BUCKETS_MS } from "./buckets.ts";
import { HotSeries } from "./hot_histogram.ts";

export const BUS_KINDS = ["trade", "bar"] as const;
export type BusKind = typeof BUS_KINDS[number];

const FULL_LOG_EVERY_MS = 10_000;

/** What the feed hands to the bus (the service calls these; absent when BUS_URL is unset). */
export interface FeedBusSink {
  trade(t: Trade): void;
  /** `restated`: the bar was published before under its key and now differs. */
  bar(b: ClosedBar, restated: boolean): void;
}

export interface FeedBusStats {
  readonly outbox: OutboxStats;
  readonly capacity: number;
  /** Publishes the bus acknowledged (duplicates included), per kind. */
  readonly published: Readonly<Record<BusKind, number>>;
  /** Publishes refused for good (by the server, or a name the bus cannot carry). */
  readonly rejected: number;
  /** Enqueue-to-ack latency per kind, ms. */
  readonly latency: Readonly<Record<BusKind, HotSeries>>;
}

/** The revision a republished bar goes out under: >= 1, the same for the same content anywhere. */
export function contentRevision(b: ClosedBar): number {
  return 1 + parseInt(fnv1a64(JSON.stringify(b)).slice(0, 12), 16);
}

export interface FeedBusOptions {
  readonly capacity: number;
  readonly log: Logger;
  /** Monotonic ms for latencies (default performance.now). */
  readonly now?: () => number;
  /** Wall ms for spacing the full-outbox log line (default Date.now). */
  readonly wallNow?: () => number;
}

export class FeedBusPublisher implements FeedBusSink {
  readonly #published: Record<BusKind, number> = { trade: 0, bar: 0 };
  readonly #latency: Record<BusKind, HotSeries> = {
    trade: new HotSeries({ kind: "trade" }, BUS_PUBLISH_BUCKETS_MS),
    bar: new HotSeries({ kind: "bar" }, BUS_PUBLISH_BUCKETS_MS),
  };
  #rejected = 0;
  #fullLoggedAt = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;
  readonly #wallNow: () => number;

  constructor(private readonly bus: MarketBus, private readonly opts: FeedBusOptions) {
    this.#now = opts.now ?? (() => performance.now());
    this.#wallNow = opts.wallNow ?? Date.now;
  }

  trade(t: Trade): void {
    this.#track("trade", this.#now(), this.bus.publishTrade(t));
  }

  bar(b: ClosedBar, restated: boolean): void {
    this.#track("bar", this.#now(), this.bus.publishBar(b, restated ? contentRevision(b) : 0));
  }

  #track(kind: BusKind, startMs: number, p: Promise<PublishAck>): void {
    p.then(
      () => {
        this.#published[kind]++;
        this.#latency[kind].observe(Math.max(0, this.#now() - startMs));
      },
      (err) => this.#failed(kind, err),
    );
  }

  #failed(kind: BusKind, err: unknown): void {
    if (err instanceof OutboxClosedError) return; // shutdown: counted as abandoned by the outbox
    if (err instanceof OutboxFullError) {
      const now = this.#wallNow();
      if (now - this.#fullLoggedAt < FULL_LOG_EVERY_MS) return;
      this.#fullLoggedAt = now;
      this.opts.log("warn", "bus outbox full: publishes refused (feed_bus_outbox_full_total)", {
        kind,
        capacity: this.opts.capacity,
        refused: this.bus.outboxStats().full,
      });
      return;
    }
    this.#rejected++;
    this.opts.log("error", "bus refused a publish for good", { kind, error: String(err) });
  }

  stats(): FeedBusStats {
    return {
      outbox: this.bus.outboxStats(),
      capacity: this.opts.capacity,
      published: { ...this.#published },
      rejected: this.#rejected,
      latency: this.#latency,
    };
  }

  /** Waits up to drainMs for the outbox to empty, then closes the bus; resolves with what was left. */
  async close(drainMs: number): Promise<number> {
    await this.bus.close(drainMs);
    return this.bus.outboxStats().abandoned;
  }
}
