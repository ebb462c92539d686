#!/usr/bin/env -S deno run -A
// Parse bench (not a test: nothing is asserted, every row prints its target and whether it met it).
// `./tp bench --only parse`, or `deno run -A bench/parse_bench.ts [--trades N] [--repeats N]`.
// Per trade channel, on frames in that channel's real shape (testing/venue_frames.ts), in one process:
//   the JSON.parse floor of the same frames; tickproof's pipeline (fast path + generic fallback ->
//   FeedIngest with the transport-latency histogram -> bars -> features on every closed bar, DQ
//   counted); the same pipeline with the generic mapper alone; and the peers (parse_peers.ts).
import { BarPipeline } from "../lib/bars/bar_pipeline.ts";
import { EXIT, intFlag, parseFlags, run } from "../lib/cli/main.ts";
import { FeatureStage } from "../lib/features/feature_stage.ts";
import { withFastPath } from "../lib/feed/fast_paths.ts";
import type { FeedState } from "../lib/feed/feed_state.ts";
import { FeedIngest } from "../lib/feed/ingest.ts";
import { createFeedMetrics } from "../lib/feed/metrics.ts";
import type { MapResult } from "../lib/venues/adapter.ts";
import { ADAPTERS } from "../lib/venues/registry.ts";
import {
  type Channel,
  CHANNEL_VENUE,
  channelFrames,
  CHANNELS,
  FRAME_SYMBOLS,
} from "../testing/venue_frames.ts";
import { peersFor } from "./parse_peers.ts";

const TARGET_RATE = 1_500_000, TARGET_RATIO = 0.85;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Frames per second of `work` over the frames (it returns a checksum, checked > 0). */
function rate(frames: readonly string[], work: (frames: readonly string[]) => number): number {
  const t0 = performance.now();
  const acc = work(frames);
  const s = (performance.now() - t0) / 1000;
  if (!(acc > 0)) throw new Error("bench work produced nothing");
  return frames.length / s;
}

function floor(frames: readonly string[]): number {
  let acc = 0;
  for (let i = 0; i < frames.length; i++) acc += JSON.parse(frames[i]) !== null ? 1 : 0;
  return acc;
}

/** The feed's offline pipeline with `map` in front: trades in, bars and their features out. */
function pipeline(channel: Channel, times: Float64Array, map: (raw: string, t: number) => MapResult) {
  return (frames: readonly string[]): number => {
    const venue = CHANNEL_VENUE[channel];
    const features = new FeatureStage();
    let closed = 0;
    const p = new BarPipeline({ intervals: ["1m", "1h"] }, (bar) => {
      if (features.close(bar).features) closed++;
    });
    const metrics = createFeedMetrics(
      { venues: [venue], symbols: FRAME_SYMBOLS, intervals: ["1m", "1h"] },
      () => ({}) as FeedState, // read only at scrape time, which the bench does not do
    );
    const ingest = new FeedIngest(p, { latency: (v, sym, ms) => metrics.latency(v, sym, ms) });
    for (let i = 0; i < frames.length; i++) {
      const r = map(frames[i], times[i] + 5);
      ingest.events(r.events, r.snapshot === true);
      if ((i & 255) === 0) p.advance(times[i]); // the live feed's timer, every few hundred trades
    }
    if (ingest.verdicts.bar_input !== frames.length || closed === 0) {
      throw new Error(`${channel}: lost trades`);
    }
    return closed;
  };
}

interface Row {
  readonly name: string;
  readonly rate: number;
  readonly target: string;
  readonly ok: boolean | null;
}

function channelRows(channel: Channel, n: number, repeats: number): Row[] {
  const { frames, times } = channelFrames(channel, n);
  const venue = CHANNEL_VENUE[channel], generic = ADAPTERS[venue].map;
  const work: [string, (f: readonly string[]) => number][] = [
    ["JSON.parse floor (same frames)", floor],
    ["tickproof pipeline (bars, features, DQ)", pipeline(channel, times, withFastPath(venue, generic))],
    ["tickproof pipeline, generic mapper only", pipeline(channel, times, generic)],
    ...peersFor(channel).map((
      p,
    ): [string, (f: readonly string[]) => number] => [`${p.name} (map only)`, p.run]),
  ];
  const runs = work.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) work.forEach(([, w], i) => runs[i].push(rate(frames, w)));
  const rates = runs.map(median);
  return work.map(([name], i): Row => {
    if (i !== 1) return { name, rate: rates[i], target: i === 0 ? "floor" : "reference", ok: null };
    const ok = rates[1] >= TARGET_RATE && rates[1] / rates[0] >= TARGET_RATIO;
    return { name, rate: rates[1], target: `>= ${TARGET_RATE / 1e6}M/s, >= ${TARGET_RATIO}`, ok };
  });
}

function printTable(channel: Channel, rows: readonly Row[]): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${channel}`);
  console.log(`  ${"".padEnd(w)}  ${"trades/s".padStart(11)}  vs floor  target`);
  for (const r of rows) {
    const ratio = (r.rate / rows[0].rate).toFixed(2);
    const verdict = r.ok === null ? "" : r.ok ? " ok" : " MISSED";
    console.log(
      `  ${r.name.padEnd(w)}  ${Math.round(r.rate).toLocaleString("en-US").padStart(11)}  ${
        ratio.padStart(8)
      }  ${r.target}${verdict}`,
    );
  }
}

const HELP =
  `Usage: ./tp bench:parse [--trades N] [--repeats N] [--channel C]   (also ./tp bench --only parse)

Every venue's trade channel: JSON.parse floor, the feed pipeline (parse, bars, features, DQ), the
generic mapper, and the peers tardis-dev and ccxt (mapping only), each as trades/s and a ratio to the
channel's floor. Not a test: numbers go in the table, never in assertions.

  --trades N    frames per channel, one trade each (default 300000)
  --repeats N   runs per row, the median is printed (default 5)
  --channel C   one channel only (${CHANNELS.join(", ")})`;

async function main(args: string[]): Promise<number> {
  const p = parseFlags(args, {
    help: HELP,
    options: { trades: { type: "string" }, repeats: { type: "string" }, channel: { type: "string" } },
  });
  if (!p) return EXIT.OK;
  const n = intFlag("trades", p.values.trades, 300_000, 10_000, 5_000_000);
  const repeats = intFlag("repeats", p.values.repeats, 5, 1, 50);
  const only = p.values.channel;
  if (only !== undefined && !(CHANNELS as readonly string[]).includes(only)) {
    console.error(`parse bench: unknown channel "${only}" (known: ${CHANNELS.join(", ")})`);
    return EXIT.USAGE;
  }
  console.log(`frames per channel ${n}, median of ${repeats} runs, one Deno process (${Deno.version.deno})`);
  for (const channel of only ? [only as Channel] : CHANNELS) {
    printTable(channel, channelRows(channel, n, repeats));
    await Promise.resolve();
  }
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("bench:parse", main));
