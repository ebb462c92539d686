// Histogram buckets for the feed's latency metrics. Shared by the feed (which observes) and the alert
// rules / on-call thresholds (which read quantiles): a quantile is only as sharp as the buckets around
// its threshold, so each list is dense near the value an alert or check compares against.

/**
 * feed_transport_latency_ms (receive time - venue event time). FeedHighLatency and the on-call
 * check compare p99 with 500 ms, so 250/400/500/600/750/1000 bracket it closely.
 */
export const TRANSPORT_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
  1,
  5,
  10,
  25,
  50,
  100,
  150,
  250,
  400,
  500,
  600,
  750,
  1000,
  2500,
  5000,
  10000,
]);

/**
 * feed_bar_close_lag_ms (bar emitted - bar close time). The feed waits BAR_CLOSE_GRACE_MS (2000 ms
 * by default) for late trades before closing, so the interesting range is around 2 s.
 */
export const BAR_CLOSE_LAG_BUCKETS_MS: readonly number[] = Object.freeze([
  10,
  50,
  100,
  250,
  500,
  1000,
  1500,
  2000,
  2500,
  3000,
  5000,
  10000,
  30000,
]);

/** feature_compute_ms: one indicator update per closed bar is sub-millisecond; 5 ms is already slow. */
export const FEATURE_COMPUTE_BUCKETS_MS: readonly number[] = Object.freeze([
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  25,
  100,
]);

/**
 * feed_bus_publish_latency_ms (a publish handed to the bus outbox -> the stream's ack). Sub-ms to a
 * few ms on a healthy bus; seconds while a stream leader is elected; minutes through an outage.
 */
export const BUS_PUBLISH_BUCKETS_MS: readonly number[] = Object.freeze([
  0.5,
  1,
  2.5,
  5,
  10,
  25,
  50,
  100,
  250,
  1000,
  5000,
  30000,
  120000,
  600000,
]);
