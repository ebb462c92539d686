#!/usr/bin/env -S deno run -A
// Indicator update cost: ours beside @debut/indicators and trading-signals, measured in the same
// run on the same inputs, median of several runs; plus whether each matches the TA-Lib reference.
// Not a test (speed is measured, never asserted in tests). `deno task bench:features`.
import { EXIT, intFlag, parseFlags, run } from "../lib/cli/main.ts";
import { Atr } from "../lib/features/atr.ts";
import { Ema } from "../lib/features/ema.ts";
import { Rsi } from "../lib/features/rsi.ts";
import { closeTo, type FixtureBar, loadReferencePair } from "../testing/reference_fixture.ts";
import type { BenchRow } from "./bench_row.ts";

// The peers load only when measuring (measureIndicators), by a specifier the module graph does not
// see, so --help starts without resolving or downloading any npm package.
type Debut = typeof import("@debut/indicators");
type Ts = typeof import("trading-signals");
let debut: Debut;
let ts: Ts;
async function loadPeers(): Promise<void> {
  const load = (name: string) => import(name);
  debut ??= await load("@debut/indicators") as Debut;
  ts ??= await load("trading-signals") as Ts;
}

interface Series {
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
}

type Kind = "ema_12" | "rsi_14" | "atr_14";
type Impl = "ours" | "debut" | "trading-signals";
const IMPLS: readonly Impl[] = ["ours", "debut", "trading-signals"];
const KINDS: readonly Kind[] = ["ema_12", "rsi_14", "atr_14"];

/**
 * Builds `n` bars by chaining the fixture end to end (each copy starts at the previous close).
 * Plain typed arrays only: a large array of objects in the heap changes V8's GC sizing and makes
 * allocating implementations look faster than they are in a normal process.
 */
function makeSeries(bars: readonly FixtureBar[], n: number): Series {
  const s: Series = { h: new Float64Array(n), l: new Float64Array(n), c: new Float64Array(n) };
  let shift = 0;
  for (let i = 0; i < n; i++) {
    const k = i % bars.length;
    if (k === 0 && i > 0) shift += bars[bars.length - 1].c - bars[0].o;
    s.h[i] = bars[k].h + shift;
    s.l[i] = bars[k].l + shift;
    s.c[i] = bars[k].c + shift;
  }
  return s;
}

// One loop per (impl, indicator) so every call site stays monomorphic. Each returns a checksum so
// the work cannot be optimised away.
const LOOPS: Record<Kind, Record<Impl, (s: Series) => number>> = {
  ema_12: {
    ours: (s) => {
      const x = new Ema(12), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update(c[i]) ?? 0;
      return acc;
    },
    debut: (s) => {
      const x = new debut.EMA(12), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.nextValue(c[i]) ?? 0;
      return acc;
    },
    "trading-signals": (s) => {
      const x = new ts.EMA(12), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update(c[i], false) ?? 0;
      return acc;
    },
  },
  rsi_14: {
    ours: (s) => {
      const x = new Rsi(14), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update(c[i]) ?? 0;
      return acc;
    },
    debut: (s) => {
      const x = new debut.RSI(14), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.nextValue(c[i]) ?? 0;
      return acc;
    },
    "trading-signals": (s) => {
      const x = new ts.RSI(14), c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update(c[i], false) ?? 0;
      return acc;
    },
  },
  atr_14: {
    ours: (s) => {
      const x = new Atr(14), h = s.h, l = s.l, c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update(h[i], l[i], c[i]) ?? 0;
      return acc;
    },
    debut: (s) => {
      const x = new debut.ATR(14), h = s.h, l = s.l, c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.nextValue(h[i], l[i], c[i]) ?? 0;
      return acc;
    },
    "trading-signals": (s) => {
      // Its ATR takes a candle object: building one per update is part of using it. (A pre-built
      // array of 1M candles instead would grow the heap and skew every other timing.)
      const x = new ts.ATR(14), h = s.h, l = s.l, c = s.c;
      let acc = 0;
      for (let i = 0; i < c.length; i++) acc += x.update({ high: h[i], low: l[i], close: c[i] }, false) ?? 0;
      return acc;
    },
  },
};

/** Each implementation's output over the fixture, null where it reports no value yet. */
function outputs(kind: Kind, impl: Impl, bars: readonly FixtureBar[]): (number | null)[] {
  const nz = (v: number | null | undefined) => (v === undefined || v === null ? null : v);
  if (impl === "ours") {
    const x = kind === "ema_12" ? new Ema(12) : kind === "rsi_14" ? new Rsi(14) : new Atr(14);
    return bars.map((b) => x instanceof Atr ? x.update(b.h, b.l, b.c) : x.update(b.c));
  }
  if (impl === "debut") {
    if (kind === "atr_14") {
      const x = new debut.ATR(14);
      return bars.map((b) => nz(x.nextValue(b.h, b.l, b.c)));
    }
    const x = kind === "ema_12" ? new debut.EMA(12) : new debut.RSI(14);
    return bars.map((b) => nz(x.nextValue(b.c)));
  }
  // trading-signals computes from the first input; count a value only once it calls itself stable.
  if (kind === "atr_14") {
    const x = new ts.ATR(14);
    return bars.map((b) => {
      const v = x.update({ high: b.h, low: b.l, close: b.c }, false);
      return x.isStable ? nz(v) : null;
    });
  }
  const x = kind === "ema_12" ? new ts.EMA(12) : new ts.RSI(14);
  return bars.map((b) => {
    const v = x.update(b.c, false);
    return x.isStable ? nz(v) : null;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface BenchOptions {
  updates?: number;
  runs?: number;
}

export interface IndicatorResult {
  kind: Kind;
  impl: Impl;
  nsPerUpdate: number;
  matchesTalib: boolean;
}

/** Measures every (indicator, implementation); runs are interleaved so noise hits all alike. */
export async function measureIndicators(opts: BenchOptions = {}): Promise<IndicatorResult[]> {
  const n = opts.updates ?? 1_000_000;
  const runs = opts.runs ?? 7;
  await loadPeers();
  const pair = await loadReferencePair();
  const series = makeSeries(pair.bars, n);
  const warm = makeSeries(pair.bars, 20_000);
  const samples = new Map<string, number[]>();
  for (const kind of KINDS) for (const impl of IMPLS) for (let i = 0; i < 5; i++) LOOPS[kind][impl](warm);
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    for (const kind of KINDS) {
      for (const impl of r % 2 === 0 ? IMPLS : [...IMPLS].reverse()) {
        const t0 = performance.now();
        sink += LOOPS[kind][impl](series);
        const ns = ((performance.now() - t0) * 1e6) / n;
        const key = `${kind}|${impl}`;
        samples.set(key, [...(samples.get(key) ?? []), ns]);
      }
    }
  }
  if (Number.isNaN(sink)) throw new Error("bench: checksum is NaN");
  return KINDS.flatMap((kind) =>
    IMPLS.map((impl) => {
      const want = pair.values[kind];
      const got = outputs(kind, impl, pair.bars);
      return {
        kind,
        impl,
        nsPerUpdate: median(samples.get(`${kind}|${impl}`)!),
        matchesTalib: got.every((g, i) => closeTo(g, want[i])),
      };
    })
  );
}

/** Rows for a combined bench: ours must be at least as fast as the fastest peer and match TA-Lib. */
export function toRows(results: readonly IndicatorResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const kind of KINDS) {
    const ours = results.find((r) => r.kind === kind && r.impl === "ours")!;
    const peers = results.filter((r) => r.kind === kind && r.impl !== "ours");
    const fastest = Math.min(...peers.map((p) => p.nsPerUpdate));
    rows.push({
      name: `features_${kind}_ns_per_update`,
      value: round(ours.nsPerUpdate),
      unit: "ns/update",
      target: `<= fastest peer (${round(fastest)})`,
      ok: ours.nsPerUpdate <= fastest,
    });
    rows.push({
      name: `features_${kind}_matches_talib`,
      value: ours.matchesTalib ? 1 : 0,
      unit: "bool",
      target: "== 1",
      ok: ours.matchesTalib,
    });
    for (const p of peers) {
      rows.push({
        name: `features_${kind}_ns_per_update_${p.impl}`,
        value: round(p.nsPerUpdate),
        unit: "ns/update",
        target: `info (matches TA-Lib: ${p.matchesTalib ? "yes" : "no"})`,
        ok: true,
      });
    }
  }
  return rows;
}

/** The rows a top-level bench combines. */
export async function indicatorsBenchRows(opts: BenchOptions = {}): Promise<BenchRow[]> {
  return toRows(await measureIndicators(opts));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function table(results: readonly IndicatorResult[]): string {
  const lines = ["indicator  implementation    ns/update  vs ours  matches TA-Lib"];
  for (const kind of KINDS) {
    const ours = results.find((r) => r.kind === kind && r.impl === "ours")!.nsPerUpdate;
    for (const r of results.filter((x) => x.kind === kind)) {
      lines.push(
        `${kind.padEnd(10)} ${r.impl.padEnd(16)} ${r.nsPerUpdate.toFixed(2).padStart(10)} ${
          (r.nsPerUpdate / ours).toFixed(2).padStart(7)
        }x  ${r.matchesTalib ? "yes" : "no"}`,
      );
    }
  }
  return lines.join("\n");
}

const HELP = `Usage: ./tp bench:features [--updates N] [--runs R] [--json]

Times EMA(12), RSI(14) and ATR(14) updates of ours, @debut/indicators 1.4.2 and trading-signals
8.3.0 (median of R runs of N updates, default 7 x 1000000) and checks each against the TA-Lib
reference. Prints a table (or the rows as JSON). Exit 1 when ours is slower than the fastest peer
on any indicator or does not match TA-Lib.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: { updates: { type: "string" }, runs: { type: "string" }, json: { type: "boolean" } },
  });
  if (!parsed) return EXIT.OK;
  const updates = intFlag("updates", parsed.values.updates, 1_000_000, 1000);
  const runs = intFlag("runs", parsed.values.runs, 7, 1, 101);
  const results = await measureIndicators({ updates, runs });
  const rows = toRows(results);
  if (parsed.values.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(table(results));
    console.log("");
    for (const r of rows.filter((x) => !x.name.includes("_ns_per_update_"))) {
      console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name} = ${r.value} ${r.unit} (target ${r.target})`);
    }
  }
  return rows.every((r) => r.ok) ? EXIT.OK : EXIT.FAIL;
}

if (import.meta.main) Deno.exit(await run("bench:features", main));
