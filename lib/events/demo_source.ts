// Demo sources: events a probe (./tp activity-demo) writes into the events file the running exporter
// tails. Their `source` is marked `demo.<name>`, and every freshness check (AiHeartbeatStale, on-call
// ai_event_age_max_s) ignores marked sources, so a demo run leaves nothing that ages into an alert.

/** The source the activity demo writes under. */
export const DEMO_SOURCE = "demo.activity";

/**
 * PromQL regex of the sources freshness checks ignore: `demo.<name>`, and `activity_demo`, the unmarked
 * name older demos wrote (still in events files until they rotate). Kept in sync with the rule file.
 */
export const DEMO_SOURCE_REGEX = "demo[.].+|activity_demo";

/** The per-source newest-event series without demo sources. */
export const LIVE_SOURCE_SERIES = `peaktrade_ai_last_event_timestamp_seconds{source!~"${DEMO_SOURCE_REGEX}"}`;

export function isDemoSource(source: string): boolean {
  return new RegExp(`^(?:${DEMO_SOURCE_REGEX})$`).test(source);
}
