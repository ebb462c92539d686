// The feed and AI checks of the shift-start checklist: every job up, feed p99 transport latency, 1m
// bars rising, reconnects per venue, gaps and NaN records, AI event freshness. Pure: PromQL from the
// config, query outcomes in, rows out.
import { LIVE_SOURCE_SERIES } from "../events/demo_source.ts";
import type { QueryOutcome, Sample } from "../prom/client.ts";
import { fmtNum } from "../verify/gates.ts";
import type { OncallConfig } from "./config.ts";
import { errorRow, finite, judgedRow, noDataRow, type Row, type Rows } from "./rows.ts";

const seriesKey = (m: Record<string, string>) => `${m.venue ?? ""}/${m.symbol ?? ""}`;

export const FEED_KEYS = [
  "up",
  "latency_p99",
  "bars_increase",
  "bars_active",
  "reconnects",
  "gaps",
  "nan",
  "ai_event_age",
] as const;
export type FeedKey = typeof FEED_KEYS[number];

export function feedQueries(cfg: OncallConfig): Record<FeedKey, string> {
  const bars = `feed_bars_total{interval="${cfg.bars_interval}"}`;
  return {
    up: `up{job=~"${cfg.jobs.join("|")}"}`,
    latency_p99:
      `histogram_quantile(0.99, sum by (venue, le) (rate(feed_transport_latency_ms_bucket[${cfg.latency_window}])))`,
    // Bars rising from trades only: flat bars from a clock the venue left behind rise too.
    bars_increase:
      `increase(${bars}[${cfg.bars_window}]) and on (venue, symbol) (increase(feed_trades_total[${cfg.bars_window}]) > 0)`,
    bars_active: `max_over_time(${bars}[${cfg.active_lookback}])`,
    reconnects: `sum by (venue) (increase(feed_reconnects_total[${cfg.reconnects_window}]))`,
    gaps: `sum(increase(feed_gaps_total[${cfg.dq_window}]))`,
    nan: `sum(increase(feed_nan_records_total[${cfg.dq_window}]))`,
    // Per source (demo sources left out), so the detail can name the stale one.
    ai_event_age: `clamp_min(time() - max by (source) (${LIVE_SOURCE_SERIES}), 0)`,
  };
}

/** Jobs up, feed latency, bars, reconnects, gaps and NaN, AI event freshness: rows in checklist order. */
export function evaluateFeed(
  cfg: OncallConfig,
  q: Readonly<Record<FeedKey, QueryOutcome>>,
  rows: Rows,
): void {
  const promql = feedQueries(cfg);
  const add = (row: Row, query: string, want: string) => rows.add(row, query, want);

  for (const job of cfg.jobs) {
    const key = `up_${job}`;
    if (!q.up.ok) add(errorRow(key, q.up), promql.up, "=1");
    else {
      const s = q.up.samples.filter((x) => x.metric.job === job);
      if (s.length === 0) add(noDataRow(key, `job ${job} is not scraped (no up series)`), promql.up, "=1");
      else {
        const down = s.filter((x) => x.value !== 1).map((x) => x.metric.instance ?? "?");
        const v = Math.min(...s.map((x) => x.value));
        add(
          judgedRow(key, v, down.length === 0, down.length ? `down: ${down.join(",")}` : "up"),
          promql.up,
          "=1",
        );
      }
    }
  }

  const lat = q.latency_p99;
  const latWant = `<${fmtNum(cfg.feed_p99_latency_ms_max)}`;
  if (!lat.ok) add(errorRow("feed_p99_transport_latency_ms", lat), promql.latency_p99, latWant);
  else {
    const s = finite(lat.samples).sort((a, b) => b.value - a.value);
    if (s.length === 0) {
      add(
        noDataRow("feed_p99_transport_latency_ms", "no latency observations in the window"),
        promql.latency_p99,
        latWant,
      );
    } else {
      const detail = `worst venue ${s[0].metric.venue ?? "?"}; ` +
        s.map((x) => `${x.metric.venue ?? "?"}=${fmtNum(Math.round(x.value * 10) / 10)}`).join(",");
      add(
        judgedRow(
          "feed_p99_transport_latency_ms",
          s[0].value,
          s[0].value < cfg.feed_p99_latency_ms_max,
          detail,
        ),
        promql.latency_p99,
        latWant,
      );
    }
  }

  const barsQuery = `${promql.bars_increase} vs ${promql.bars_active}`;
  if (!q.bars_active.ok) add(errorRow("feed_symbols_stalled", q.bars_active), barsQuery, "=0");
  else if (!q.bars_increase.ok) add(errorRow("feed_symbols_stalled", q.bars_increase), barsQuery, "=0");
  else {
    const active = [...new Set(q.bars_active.samples.map((x) => seriesKey(x.metric)))].sort();
    const rising = new Set(
      q.bars_increase.samples.filter((x) => x.value > 0).map((x) => seriesKey(x.metric)),
    );
    const stalled = active.filter((k) => !rising.has(k));
    if (active.length === 0) {
      add(
        noDataRow(
          "feed_symbols_stalled",
          `no ${cfg.bars_interval} bar series in the last ${cfg.active_lookback}`,
        ),
        barsQuery,
        "=0",
      );
    } else {
      const detail = stalled.length
        ? `stalled: ${stalled.join(",")} (of ${active.length} active)`
        : `${active.length} active, all rising`;
      add(judgedRow("feed_symbols_stalled", stalled.length, stalled.length === 0, detail), barsQuery, "=0");
    }
  }

  const rec = q.reconnects;
  const recWant = `<=${fmtNum(cfg.reconnects_max_per_venue)}`;
  if (!rec.ok) add(errorRow("feed_reconnects_max_per_venue", rec), promql.reconnects, recWant);
  else if (rec.samples.length === 0) {
    add(
      noDataRow("feed_reconnects_max_per_venue", "no feed_reconnects_total series"),
      promql.reconnects,
      recWant,
    );
  } else {
    const s = [...rec.samples].sort((a, b) => b.value - a.value);
    const detail = s.map((x) => `${x.metric.venue ?? "?"}=${fmtNum(Math.round(x.value * 100) / 100)}`).join(
      ",",
    );
    add(
      judgedRow(
        "feed_reconnects_max_per_venue",
        s[0].value,
        s[0].value <= cfg.reconnects_max_per_venue,
        detail,
      ),
      promql.reconnects,
      recWant,
    );
  }

  for (
    const [key, qk, max, metric] of [
      ["feed_gaps", "gaps", cfg.gaps_max, "feed_gaps_total"],
      ["feed_nan_records", "nan", cfg.nan_max, "feed_nan_records_total"],
    ] as const
  ) {
    const o = q[qk];
    const want = `<=${fmtNum(max)}`;
    if (!o.ok) add(errorRow(key, o), promql[qk], want);
    else if (o.samples.length === 0) add(noDataRow(key, `no ${metric} series`), promql[qk], want);
    else {
      const v = o.samples[0].value;
      add(judgedRow(key, v, v <= max, `in the last ${cfg.dq_window}`), promql[qk], want);
    }
  }

  const age = q.ai_event_age;
  const ageWant = `<=${fmtNum(cfg.ai_event_age_max_s)}`;
  if (!age.ok) add(errorRow("ai_event_age_max_s", age), promql.ai_event_age, ageWant);
  else if (finite(age.samples).length === 0) {
    add(
      noDataRow(
        "ai_event_age_max_s",
        "no peaktrade_ai_last_event_timestamp_seconds series (demo sources ignored)",
      ),
      promql.ai_event_age,
      ageWant,
    );
  } else {
    const s = finite(age.samples).sort((a, b) => b.value - a.value);
    const name = (x: Sample) => x.metric.source ?? "?";
    const stale = s.filter((x) => x.value > cfg.ai_event_age_max_s).map(name);
    const detail = `oldest source ${name(s[0])}` + (stale.length ? `; stale: ${stale.join(",")}` : "") +
      `; ${s.map((x) => `${name(x)}=${fmtNum(Math.round(x.value))}s`).join(",")}`;
    add(
      judgedRow("ai_event_age_max_s", s[0].value, s[0].value <= cfg.ai_event_age_max_s, detail),
      promql.ai_event_age,
      ageWant,
    );
  }
}
