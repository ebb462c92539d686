#!/usr/bin/env -S deno run -A
// One-shot ingest as whole processes, side by side on one generated events file (not a test):
// `./tp exporter --once` (deno run with the task's V8 flags), mtail 3.0 -one_shot with
// bench/ai_events.mtail, and a bare Deno read + split + JSON.parse (bench/bare_parse.ts). Each round
// runs the three in turn; the table shows median wall times (start-up included), lines/s and ratios.
// Usage: ./tp bench:exporter-oneshot [--lines N] [--rounds N] [--keep].
import { join } from "node:path";
import { parseFlags, run } from "../lib/cli/main.ts";
import { EXPORTER_V8_FLAGS } from "../lib/exporter/config.ts";
import { writeBenchFile } from "../testing/event_file.ts";
import { formatRows } from "./exporter_bench.ts";
import type { BenchRow } from "./bench_row.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;

interface Contender {
  name: string;
  cmd: string;
  args: string[];
  /** Lines the process says it read (checked: every contender must see the whole file). */
  lines: (stdout: string) => number;
}

function contenders(file: string, progs: string): Contender[] {
  const deno = Deno.execPath();
  const promLines = (metric: string) => (out: string) =>
    Number(out.match(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, "m"))?.[1] ?? NaN); // mtail writes 1e+06
  return [
    {
      name: "exporter --once",
      cmd: deno,
      args: [
        "run",
        "-A",
        `--v8-flags=${EXPORTER_V8_FLAGS}`,
        here("../scripts/exporter.ts"),
        "--once",
        "--quiet",
      ]
        .concat(["--events", file]),
      lines: promLines("peaktrade_ai_exporter_lines_total"),
    },
    {
      name: "mtail 3.0 -one_shot",
      cmd: "mtail",
      args: ["-one_shot", "-one_shot_format", "prometheus", "-address", "127.0.0.1", "-port", "0"]
        .concat(["-progs", progs, "-logs", file]),
      lines: promLines("peaktrade_ai_exporter_lines_total"),
    },
    {
      name: "bare read+split+JSON.parse",
      cmd: deno,
      args: ["run", "-A", here("./bare_parse.ts"), file],
      lines: (out) => Number(out.match(/lines=(\d+)/)?.[1] ?? NaN),
    },
  ];
}

/** Wall seconds of one whole process, from spawn to exit; throws unless it read `want` lines. */
async function timeProcess(c: Contender, want: number): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(c.cmd, { args: c.args, stdout: "piped", stderr: "null" }).output();
  const s = (performance.now() - t0) / 1000;
  const got = c.lines(new TextDecoder().decode(out.stdout));
  if (!out.success || got !== want) throw new Error(`${c.name}: exit ${out.code}, ${got} of ${want} lines`);
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchOneShot(
  opts: { lines?: number; rounds?: number; keep?: boolean } = {},
): Promise<BenchRow[]> {
  const lines = opts.lines ?? 1_000_000, rounds = opts.rounds ?? 3;
  const dir = await Deno.makeTempDir({ prefix: "exporter_oneshot_" });
  try {
    const file = join(dir, "events.jsonl"), progs = join(dir, "progs");
    const bytes = await writeBenchFile(file, lines);
    await Deno.mkdir(progs);
    await Deno.copyFile(here("./ai_events.mtail"), join(progs, "ai_events.mtail"));
    console.error(`bench: ${lines} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${rounds} rounds, ${file}`);
    const cs = contenders(file, progs);
    const walls: number[][] = cs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < cs.length; i++) walls[i].push(await timeProcess(cs[i], lines));
      console.error(
        `round ${r + 1}: ${cs.map((c, i) => `${c.name} ${walls[i][r].toFixed(2)} s`).join(", ")}`,
      );
    }
    const [exp, mtail, bare] = walls.map(median);
    const rows: BenchRow[] = cs.map((c, i) => {
      const s = median(walls[i]);
      return { name: `${c.name}: wall`, value: s, unit: "s", target: "(reference)", ok: true };
    });
    rows.push(...cs.map((c, i) => ({
      name: `${c.name}: lines/s`,
      value: lines / median(walls[i]),
      unit: "lines/s",
      target: "(reference)",
      ok: true,
    })));
    rows.push(
      { name: "mtail / exporter", value: mtail / exp, unit: "x", target: ">= 12", ok: mtail / exp >= 12 },
      { name: "bare parse / exporter", value: bare / exp, unit: "x", target: "> 1", ok: bare / exp > 1 },
    );
    return rows;
  } finally {
    if (!opts.keep) await Deno.remove(dir, { recursive: true });
  }
}

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: `Usage: ./tp bench:exporter-oneshot [--lines N] [--rounds N] [--keep]

Generates an events file (default 1,000,000 lines, ~1% malformed), then times three whole processes
on it, in turn, --rounds times (default 3): ./tp exporter --once, mtail -one_shot with
bench/ai_events.mtail, and a bare Deno read + split + JSON.parse. Prints median wall times, lines/s
and the ratios mtail/exporter (target >= 12) and bare/exporter (target > 1). Needs /usr/bin/mtail.
Exit 0 even on MISS (a benchmark).`,
    options: { lines: { type: "string" }, rounds: { type: "string" }, keep: { type: "boolean" } },
  });
  if (!parsed) return 0;
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  const v = parsed.values;
  console.log(formatRows(await benchOneShot({ lines: num(v.lines), rounds: num(v.rounds), keep: v.keep })));
  return 0;
}

if (import.meta.main) Deno.exit(await run("bench:exporter-oneshot", main));
