// Every series the real components export, from their own registries and renderers: the feed
// (createFeedMetrics + the symbol watch), shadow_mvs, the AI exporter, peak_trade_web and the live loop,
// each given a little state so labelled series appear; and the real node-exporter on loopback, its
// textfile folder holding what ./tp drift, ./tp backtest and ./tp backup --drill write (their own renderers). A catalog
// (metric -> label names) for checkRefs.
import { join } from "node:path";
import { DRIFT_METRICS, driftSamples } from "../lib/drift/drift_prom.ts";
import { renderSamples } from "../lib/prom/stream_textfile.ts";
import { freePort } from "../lib/http/free_port.ts";
import { createLiveMetrics } from "../lib/live/metrics.ts";
import { startNodeExporter } from "../lib/prom/node_exporter.ts";
import { writeTextfile } from "../lib/prom/textfile.ts";
import { drillSamples } from "../lib/backup/drill_prom.ts";
import { BACKTEST_METRICS, BACKTEST_PROM_FILE, backtestSamples } from "../lib/verify/backtest_metrics.ts";
import { loopView, T0 } from "./live_view.ts";
import { renderMetrics } from "../lib/exporter/render_metrics.ts";
import { catalogFromExposition } from "./dashboard_expr_refs.ts";
import { Ingest } from "../lib/exporter/line_ingest.ts";
import { ExporterState } from "../lib/exporter/metrics_state.ts";
import { createFeedMetrics } from "../lib/feed/metrics.ts";
import type { FeedState } from "../lib/feed/feed_state.ts";
import { registerSymbolWatchMetrics, SymbolWatch } from "../lib/feed/symbol_watch.ts";
import { type SymbolName, type Venue, VENUES } from "../lib/market/types.ts";
import {
  ACTIONS,
  createShadowMetrics,
  EVENT_KINDS,
  type ShadowStatus,
  SKIP_REASONS,
} from "../lib/shadow/shadow_metrics.ts";
import { DECISIONS } from "../lib/strategy/refstrat_01.ts";
import { emptyStats } from "../lib/venues/connection_events.ts";
import { createWebMetrics } from "../lib/web/web_metrics.ts";

const SYMBOLS: SymbolName[] = ["BTC-USDT", "ETH-USDT"];
const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));

async function feedText(): Promise<string> {
  const venues = [...VENUES] as Venue[];
  const state: FeedState = {
    dq: [],
    divergence: SYMBOLS.map((symbol) => ({ symbol, interval: "1m", openTimeMs: 0, bps: 1.5, venues })),
    connections: venues.map((venue) => ({ venue, name: "0", up: true, stats: emptyStats() })),
    lastMessageWallMs: {},
    stalls: {},
    trades: new Map(),
    invalidValues: new Map(),
    snapshotDuplicates: new Map(),
    repaired: new Map(),
    barsStored: new Map(),
    storeErrors: 0,
    commitBacklog: 0,
    beyondLookback: new Map(),
  };
  const feed = createFeedMetrics({ venues, symbols: SYMBOLS, intervals: ["1m", "1h"] }, () => state);
  registerSymbolWatchMetrics(feed.registry, new SymbolWatch(venues, SYMBOLS, 1000));
  return await feed.registry.metrics();
}

async function shadowText(): Promise<string> {
  const status: ShadowStatus = {
    startedMs: 0,
    position: 0,
    pnlRealised: 0,
    pnlUnrealised: 0,
    pnlTotal: 0,
    decisions: zeros(DECISIONS) as ShadowStatus["decisions"],
    actions: zeros(ACTIONS) as ShadowStatus["actions"],
    barsConsumed: 0,
    barsSkipped: zeros(SKIP_REASONS) as ShadowStatus["barsSkipped"],
    historyBarsPrimed: 0,
    connected: true,
    feedOk: true,
    feedReason: "",
    lastBarReceivedMs: null,
    lastDecidedOpenTimeMs: null,
    reconnects: 0,
    eventsWritten: zeros(EVENT_KINDS) as ShadowStatus["eventsWritten"],
    eventWriteErrors: 0,
  };
  return await createShadowMetrics(() => status, () => 0).metrics();
}

function exporterText(): string {
  const state = new ExporterState();
  const ingest = new Ingest(state);
  const ids = '"run_id":"r","component":"c","source":"s"';
  ingest.line(`{"ts":"2026-01-01T00:00:01Z","type":"decision",${ids},"latency_ms":7}`);
  ingest.line(`{"ts":"2026-01-01T00:00:02Z","type":"action",${ids}}`);
  const tail = {
    path: "events.jsonl",
    filePresent: true,
    caughtUp: true,
    offset: 0,
    lagBytes: 0,
    partialBytes: 0,
    bytesRead: 0,
    renames: 0,
    truncations: 0,
    pollErrors: 0,
  };
  return renderMetrics(state, tail, { runId: "local", component: "ai_live_exporter" });
}

async function webText(): Promise<string> {
  const web = createWebMetrics();
  web.observeRequest("/api/feed", "GET", 200, 0.01);
  web.observeUpstream("prometheus", true, 5);
  return await web.registry.metrics();
}

async function liveText(): Promise<string> {
  return await createLiveMetrics(() => loopView(), T0).registry.metrics();
}

/** node-exporter's /metrics with drift.prom, backtest.prom and backup.prom in its textfile folder. */
async function nodeText(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tp_real_series_node_" });
  try {
    const tf = join(dir, "textfile");
    await Deno.mkdir(tf);
    const stream = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };
    const drift = { nRef: 100, nCur: 100, flagged: false, edges: [], refCounts: [], curCounts: [] };
    await Deno.writeTextFile(
      join(tf, "drift.prom"),
      renderSamples(
        DRIFT_METRICS,
        driftSamples(stream, [{ ...drift, feature: "rsi_14", psi: 0.05, nullP95: 0.08 }], T0),
      ),
    );
    const curve = {
      bars: [],
      equityRef: 1,
      trackingError: 0.001,
      trackingErrorBound: 0.002,
      cumulativeReturnGap: 0,
      cumulativeGapBound: null,
    };
    await Deno.writeTextFile(
      join(tf, BACKTEST_PROM_FILE),
      renderSamples(
        BACKTEST_METRICS,
        backtestSamples(stream, T0 / 1000, { rows: [], period: null, outside: 0 }, curve),
      ),
    );
    await writeTextfile(tf, "backup.prom", drillSamples(true, T0, ""));
    const node = await startNodeExporter({
      host: "127.0.0.1",
      port: freePort(),
      textfileDir: tf,
      logFile: join(dir, "log"),
    });
    try {
      return await (await fetch(`${node.url}/metrics`)).text();
    } finally {
      await node.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Metric -> label names over every component, plus Prometheus's own `up{job,instance}`. */
export async function realSeriesCatalog(): Promise<Map<string, Set<string>>> {
  return catalogFromExposition(
    await feedText(),
    await shadowText(),
    exporterText(),
    await webText(),
    await liveText(),
    await nodeText(),
    'up{job="x",instance="x"} 1',
  );
}
