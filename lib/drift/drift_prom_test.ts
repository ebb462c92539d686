import assert from "node:assert/strict";
import { runTool } from "../prom/tools.ts";
import { mergeSamples, parseSamples, renderSamples } from "../prom/stream_textfile.ts";
import { DRIFT_METRICS, driftSamples, ownedByDriftRun, type PromSample, type Stream } from "./drift_prom.ts";
import type { FeatureDrift } from "./judge.ts";

const drift = (feature: FeatureDrift["feature"], psi: number, nullP95: number): FeatureDrift => ({
  feature,
  nRef: 1440,
  nCur: 1440,
  psi,
  nullP95,
  flagged: false,
  edges: [],
  refCounts: [],
  curCounts: [],
});
const BTC = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };
const ETH = { venue: "okx", symbol: "ETH-USDT", interval: "1h" };
const T = Date.UTC(2026, 2, 1, 12);
const renderDriftProm = (samples: readonly PromSample[]) => renderSamples(DRIFT_METRICS, samples);
const parseDriftProm = (text: string) => parseSamples(text, DRIFT_METRICS);
const mergeDriftProm = (previous: string, s: Stream, fresh: readonly PromSample[]) =>
  mergeSamples(previous, DRIFT_METRICS, ownedByDriftRun(s), fresh);

Deno.test("drift.prom: HELP/TYPE per metric, one sample per feature, the run's time in seconds", () => {
  const text = renderDriftProm(
    driftSamples(BTC, [drift("rsi_14", 0.25, 0.125), drift("volume", 0.5, 0.0625)], T),
  );
  assert.equal(
    text,
    [
      "# HELP drift_psi PSI of a feature between the reference and current windows of stored bars.",
      "# TYPE drift_psi gauge",
      'drift_psi{venue="binance",symbol="BTC-USDT",interval="1m",feature="rsi_14"} 0.25',
      'drift_psi{venue="binance",symbol="BTC-USDT",interval="1m",feature="volume"} 0.5',
      "# HELP drift_psi_null_p95 95th percentile of the PSI of the reference against bootstrap resamples of itself.",
      "# TYPE drift_psi_null_p95 gauge",
      'drift_psi_null_p95{venue="binance",symbol="BTC-USDT",interval="1m",feature="rsi_14"} 0.125',
      'drift_psi_null_p95{venue="binance",symbol="BTC-USDT",interval="1m",feature="volume"} 0.0625',
      "# HELP drift_report_last_run_timestamp_seconds When the drift report last judged the stream (Unix time).",
      "# TYPE drift_report_last_run_timestamp_seconds gauge",
      `drift_report_last_run_timestamp_seconds{venue="binance",symbol="BTC-USDT",interval="1m"} ${T / 1000}`,
      "",
    ].join("\n"),
  );
});

Deno.test("a run replaces its own stream's series and keeps every other stream's", () => {
  const first = mergeDriftProm("", BTC, driftSamples(BTC, [drift("rsi_14", 0.25, 0.125)], T));
  const both = mergeDriftProm(first, ETH, driftSamples(ETH, [drift("volume", 0.75, 0.25)], T + 1000));
  const again = mergeDriftProm(both, BTC, driftSamples(BTC, [drift("log_return", 0.03, 0.02)], T + 2000));
  const lines = again.split("\n").filter((l) => l && !l.startsWith("#"));
  assert.deepEqual(lines, [
    'drift_psi{venue="binance",symbol="BTC-USDT",interval="1m",feature="log_return"} 0.03',
    'drift_psi{venue="okx",symbol="ETH-USDT",interval="1h",feature="volume"} 0.75',
    'drift_psi_null_p95{venue="binance",symbol="BTC-USDT",interval="1m",feature="log_return"} 0.02',
    'drift_psi_null_p95{venue="okx",symbol="ETH-USDT",interval="1h",feature="volume"} 0.25',
    `drift_report_last_run_timestamp_seconds{venue="binance",symbol="BTC-USDT",interval="1m"} ${
      T / 1000 + 2
    }`,
    `drift_report_last_run_timestamp_seconds{venue="okx",symbol="ETH-USDT",interval="1h"} ${T / 1000 + 1}`,
  ]);
  // Merging is stable: the same input gives the same bytes; foreign lines in the file are dropped.
  assert.equal(
    mergeDriftProm(
      again + "other_metric 1\ngarbage\n",
      ETH,
      parseDriftProm(again).filter((s) => s.labels.venue === "okx") as PromSample[],
    ),
    again,
  );
});

Deno.test("label values are escaped and read back", () => {
  const odd = { venue: 'a"b', symbol: "c\\d", interval: "e\nf" };
  const text = renderDriftProm(driftSamples(odd, [drift("rsi_14", 1, 2)], T));
  assert.match(text, /drift_psi\{venue="a\\"b",symbol="c\\\\d",interval="e\\nf",feature="rsi_14"\} 1/);
  assert.deepEqual(parseDriftProm(text)[0].labels, { ...odd, feature: "rsi_14" });
});

Deno.test("promtool check metrics accepts drift.prom", async () => {
  const text = mergeDriftProm(
    renderDriftProm(driftSamples(ETH, [drift("volume", 0.75, 0.25)], T)),
    BTC,
    driftSamples(BTC, [drift("rsi_14", 0.031415926535, 1e-7), drift("volume", 12.5, 0.0625)], T + 1234),
  );
  const r = await runTool("promtool", ["check", "metrics"], text);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout + r.stderr, "");
});
