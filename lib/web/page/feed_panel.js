// @ts-check
// The feed panel: per venue/symbol last bar, its features and the feed's Prometheus metrics (/api/feed),
// and the pairs the price chart can show.
import { badge, fmt, h, table } from "./render.js";
/** @import { FeedView } from "../feed_view.ts" */
/** @import { Panel } from "./render.js" */

const FEED_HEADERS = [
  "venue",
  "symbol",
  "bar",
  "close",
  "EMA12",
  "EMA26",
  "RSI14",
  "ATR14",
  "VWAP",
  "p99 ms",
  "bars/min",
  "reconn",
  "gaps",
  "NaN",
  "div bps (symbol)",
  "feed",
];

/**
 * @param {FeedView} f
 * @returns {Panel & { readonly pairs: readonly string[] }}
 */
export function feedPanel(f) {
  const rows = f.rows.map((r) => {
    const b = r.lastBar;
    const ft = b?.features ?? {};
    const m = r.metrics;
    return [
      r.venue,
      r.symbol,
      b ? new Date(b.openTimeMs).toISOString().slice(11, 16) : "—",
      b ? fmt(b.c, 4) : "—",
      fmt(ft.ema_12),
      fmt(ft.ema_26),
      fmt(ft.rsi_14),
      fmt(ft.atr_14),
      fmt(ft.vwap_session_utc),
      fmt(m.p99LatencyMs, 1),
      fmt(m.barsPerMinute, 2),
      fmt(m.reconnects, 0),
      fmt(m.gaps, 0),
      fmt(m.nanRecords, 0),
      fmt(m.divergenceBps, 1),
      !r.source.ok
        ? h("span", { class: "err", title: String(r.source.error), text: "unreachable" })
        : r.health?.status === "degraded"
        // What the feed's /health says about this row (a link down, a stale symbol, the clock in doubt).
        ? h("span", { class: "badge bad", title: r.health.reasons.join("; "), text: "degraded" })
        : badge(true, "ok", ""),
    ];
  });
  const failed = Object.entries(f.queries).filter(([, q]) => !q.report.ok);
  return {
    body: [
      table(FEED_HEADERS, rows, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
      ...failed.map(([name, q]) =>
        h("p", { class: "err", text: `${name}: Prometheus unreachable: ${q.report.error}` })
      ),
    ],
    summary: `interval ${f.interval}`,
    pairs: f.rows.map((r) => `${r.venue}/${r.symbol}`),
  };
}
