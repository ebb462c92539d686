// The feed's /metrics about the venue clock it follows (all zero on the wall clock). Names are public API.
import { Counter, Gauge, type Registry } from "prom-client";
import type { ClockCounts } from "./feed_state.ts";

/** The venue clock the feed follows: jumps (a restarted simulator), failed syncs, bars let go. */
export function registerClockMetrics(registry: Registry, read: () => ClockCounts | undefined): void {
  new Counter({
    name: "feed_clock_jumps_total",
    help: "Venue clock changes beyond the drift bound (a restarted simulator): a new timeline starts.",
    labelNames: ["direction"] as const,
    registers: [registry],
    collect() {
      const c = read();
      this.reset();
      for (const d of ["backward", "forward"] as const) this.inc({ direction: d }, c?.jumps[d] ?? 0);
    },
  });
  const plain = (name: string, help: string, pick: (c: ClockCounts) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const c = read();
        this.reset();
        this.inc(c ? pick(c) : 0);
      },
    });
  plain("feed_clock_sync_failures_total", "Reads of the venue clock that failed.", (c) => c.syncFailures);
  plain(
    "feed_clock_discarded_bars_total",
    "Bars closed on a clock the venue then contradicted (a jump): never stored.",
    (c) => c.discardedBars,
  );
  plain(
    "feed_clock_deleted_bars_total",
    "Stored bars deleted after a backward jump (they lay ahead of the venue's new clock).",
    (c) => c.deletedBars,
  );
  new Gauge({
    name: "feed_clock_trusted",
    help: "1 while the venue clock is trusted, 0 while bars wait for a sync.",
    registers: [registry],
    collect() {
      this.set(read()?.trusted === false ? 0 : 1);
    },
  });
}
