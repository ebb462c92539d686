#!/usr/bin/env -S deno run -A
// LiveFeed benchmark (not a test: nothing is asserted, every row prints its target and whether it
// met it). `deno task bench:feed [--trades N] [--lag-s N] [--soak-s N] [--throughput-only]`.
//   1. Pipeline throughput, no network: Binance trade frames in the simulator's exact text ->
//      map (fast path, and the generic mapper) -> FeedIngest -> bars -> features, with the per-trade
//      transport-latency histogram the service observes, beside bare JSON.parse of the same frames
//      in the same run (the floor).
//   2. Bar close lag p99 and feature compute p99 from a run against the simulator (child process).
//   3. Feed RSS over an accelerated soak against the simulator (child process), growth after warm-up.
import { BarPipeline } from "../lib/bars/bar_pipeline.ts";
import { EXIT, intFlag, parseFlags, run } from "../lib/cli/main.ts";
import { fastBinanceTrade, withBinanceFastPath } from "../lib/feed/binance_fast.ts";
import { FeedIngest } from "../lib/feed/ingest.ts";
import type { FeedState } from "../lib/feed/feed_state.ts";
import { createFeedMetrics } from "../lib/feed/metrics.ts";
import { BinanceProtocol } from "../lib/sim/binance_ws.ts";
import { MarketGenerator } from "../lib/sim/market.ts";
import { mapBinance } from "../lib/venues/binance.ts";
import type { BenchRow } from "./bench_row.ts";
import { simRun } from "./feed_bench_sim.ts";

export type { BenchRow };

const EPOCH = 1_767_225_600_000;

/** `n` Binance @trade frames as the simulator sends them, as flat strings (like WebSocket text). */
export function binanceFrames(n: number): { frames: string[]; times: Float64Array } {
  const rate = 50;
  const gen = new MarketGenerator({
    seed: 1,
    startMs: EPOCH,
    symbols: ["BTC-USDT", "ETH-USDT"],
    venues: ["binance"],
    tradeRate: rate,
  });
  const trades = gen.advanceTo(EPOCH + Math.ceil(n / (2 * rate)) * 1000 + 1000).slice(0, n);
  const proto = new BinanceProtocol({ simNow: () => 0 } as never);
  const conn = { venue: "binance", combined: false } as never;
  // Built frames are rope strings; a received WebSocket message is flat: flatten like it.
  const frames = trades.map((t) =>
    JSON.parse(JSON.stringify(proto.tradeFrame(conn, `trade|${t.inst.symbol}`, t).build()))
  );
  return { frames, times: Float64Array.from(trades, (t) => t.timeMs) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Trades per second through the whole offline pipeline with the given mapper, including what the
 * service does per trade beside the pipeline (the transport-latency histogram observation).
 */
function pipelineRate(frames: string[], times: Float64Array, map: typeof mapBinance): number {
  let closed = 0;
  const p = new BarPipeline({ intervals: ["1m", "1h"] }, () => closed++);
  const metrics = createFeedMetrics(
    { venues: ["binance"], symbols: ["BTC-USDT", "ETH-USDT"], intervals: ["1m", "1h"] },
    () => ({}) as FeedState, // read only at scrape time, which the bench does not do
  );
  const ingest = new FeedIngest(p, { latency: (v, sym, ms) => metrics.latency(v, sym, ms) });
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i++) {
    const r = map(frames[i], times[i] + 5);
    ingest.events(r.events, false);
    if ((i & 255) === 0) p.advance(times[i]); // the live feed's timer, every few hundred trades
  }
  const s = (performance.now() - t0) / 1000;
  if (ingest.verdicts.bar_input !== frames.length || closed === 0) throw new Error("pipeline lost trades");
  return frames.length / s;
}

function parseRate(frames: string[]): number {
  let acc = 0;
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i++) acc += (JSON.parse(frames[i]) as { T: number }).T & 1;
  const s = (performance.now() - t0) / 1000;
  if (acc < 0) throw new Error("unreachable");
  return frames.length / s;
}

export function throughputRows(n: number, repeats = 5): BenchRow[] {
  const { frames, times } = binanceFrames(n);
  for (const f of frames.slice(0, 1000)) {
    const a = JSON.stringify(fastBinanceTrade(f, 5)), b = JSON.stringify(mapBinance(f, 5).events[0]);
    if (a !== b) throw new Error(`fast path differs from the mapper on ${f}`);
  }
  const fast = withBinanceFastPath(mapBinance);
  const floor: number[] = [], ours: number[] = [], generic: number[] = [];
  for (let r = 0; r < repeats; r++) {
    floor.push(parseRate(frames));
    ours.push(pipelineRate(frames, times, fast));
    generic.push(pipelineRate(frames, times, mapBinance));
  }
  const f = median(floor), o = median(ours), g = median(generic);
  return [
    {
      name: "JSON.parse floor (same frames)",
      value: Math.round(f),
      unit: "frames/s",
      target: "reference",
      ok: true,
    },
    {
      name: "pipeline, Binance fast path",
      value: Math.round(o),
      unit: "trades/s",
      target: ">= 1500000",
      ok: o >= 1_500_000,
    },
    {
      name: "pipeline vs JSON.parse floor",
      value: +(o / f).toFixed(2),
      unit: "ratio",
      target: ">= 0.70",
      ok: o / f >= 0.7,
    },
    {
      name: "pipeline, generic mapper",
      value: Math.round(g),
      unit: "trades/s",
      target: "reference",
      ok: true,
    },
  ];
}

export async function feedBenchRows(
  opts: { trades: number; lagS: number; soakS: number; throughputOnly?: boolean; soakOnly?: boolean },
): Promise<BenchRow[]> {
  if (opts.soakOnly) return await simRun({ speed: 600, seconds: opts.soakS, measure: "soak" });
  const rows = throughputRows(opts.trades);
  if (opts.throughputOnly) return rows;
  rows.push(...await simRun({ speed: 60, seconds: opts.lagS, measure: "lag" }));
  rows.push(...await simRun({ speed: 600, seconds: opts.soakS, measure: "soak" }));
  return rows;
}

export function printRows(rows: readonly BenchRow[]): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(w)}  ${String(r.value).padStart(12)} ${r.unit.padEnd(9)} target ${
        r.target.padEnd(12)
      } ${r.ok ? "ok" : "MISSED"}`,
    );
  }
}

const HELP = `Usage: ./tp bench:feed [--trades N] [--lag-s N] [--soak-s N] [--throughput-only] [--soak-only]

  --trades N          frames for the throughput runs (default 400000; median of 5 runs)
  --lag-s N           wall seconds against the simulator at 60x for close lag / feature p99 (default 20)
  --soak-s N          wall seconds of the RSS soak against the simulator at 600x (default 60; 600 = 10 min)
  --throughput-only   run only the pipeline throughput part (no simulator)
  --soak-only         run only the RSS soak`;

async function main(args: string[]): Promise<number> {
  const p = parseFlags(args, {
    help: HELP,
    options: {
      trades: { type: "string" },
      "lag-s": { type: "string" },
      "soak-s": { type: "string" },
      "throughput-only": { type: "boolean" },
      "soak-only": { type: "boolean" },
    },
  });
  if (!p) return EXIT.OK;
  const rows = await feedBenchRows({
    trades: intFlag("trades", p.values.trades, 400_000, 10_000, 10_000_000),
    lagS: intFlag("lag-s", p.values["lag-s"], 20, 5, 3600),
    soakS: intFlag("soak-s", p.values["soak-s"], 60, 10, 86_400),
    throughputOnly: p.values["throughput-only"] === true,
    soakOnly: p.values["soak-only"] === true,
  });
  printRows(rows);
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("bench:feed", main));
