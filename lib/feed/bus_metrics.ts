// The feed's /metrics about the market bus (only with BUS_URL set), read from the publisher at scrape
// time: the outbox's depth and capacity, publishes refused because it was full, resends, acks per kind,
// refusals for good, and the enqueue-to-ack latency. `kind` is trade or bar, both always present.
// Latency is in ms like the feed's other histograms (feed_transport_latency_ms, feed_bar_close_lag_ms).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { BUS_PUBLISH_BUCKETS_MS } from "./buckets.ts";
import { BUS_KINDS, type FeedBusStats } from "./bus_publisher.ts";

export function registerBusMetrics(registry: Registry, read: () => FeedBusStats): void {
  const gauge = (name: string, help: string, pick: (s: FeedBusStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(read()));
      },
    });
  const counter = (name: string, help: string, pick: (s: FeedBusStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pick(read()));
      },
    });
  gauge("feed_bus_outbox_depth", "Bus publishes waiting in the outbox or in flight.", (s) => s.outbox.depth);
  gauge(
    "feed_bus_outbox_capacity",
    "Bus publishes the outbox holds before it refuses (BUS_OUTBOX_CAPACITY).",
    (s) => s.capacity,
  );
  counter(
    "feed_bus_outbox_full_total",
    "Bus publishes refused because the outbox was full (not on the bus; the store has them).",
    (s) => s.outbox.full,
  );
  counter(
    "feed_bus_publish_retries_total",
    "Bus publishes sent again with the same message id after a failed attempt.",
    (s) => s.outbox.retries,
  );
  counter(
    "feed_bus_publish_rejected_total",
    "Bus publishes refused for good (by the server, or a name the bus cannot carry).",
    (s) => s.rejected,
  );
  new Counter({
    name: "feed_bus_published_total",
    help: "Trades and closed bars the bus acknowledged (duplicates of an earlier copy included).",
    labelNames: ["kind"] as const,
    registers: [registry],
    collect() {
      const s = read();
      this.reset();
      for (const kind of BUS_KINDS) this.inc({ kind }, s.published[kind]);
    },
  });
  new Histogram({
    name: "feed_bus_publish_latency_ms",
    help: "Bus publish handed to the outbox -> the stream's ack, ms (resends and outages included).",
    labelNames: ["kind"] as const,
    buckets: [...BUS_PUBLISH_BUCKETS_MS],
    registers: [registry],
    collect() {
      const s = read();
      for (const kind of BUS_KINDS) s.latency[kind].copyInto(this);
    },
  });
}
