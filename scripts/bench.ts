#!/usr/bin/env -S deno run -A
// task bench: every benchmark, one after another (each in its own process so timings and peak RSS
// are not polluted by the others), each printing its table of value, target and ratio.
import { EXPORTER_V8_FLAGS } from "../lib/exporter/config.ts";
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";

const BENCHES: Record<string, { file: string; what: string; denoFlags?: string[] }> = {
  exporter: {
    file: "bench/exporter_bench.ts",
    // Measured as the exporter runs: with its heap limits.
    denoFlags: [`--v8-flags=${EXPORTER_V8_FLAGS}`],
    what: "exporter ingestion vs read+split+JSON.parse floor, RSS, render",
  },
  "exporter-oneshot": {
    file: "bench/exporter_oneshot_bench.ts",
    what: "exporter --once vs mtail 3.0 -one_shot vs bare read+split+JSON.parse, whole processes, 1M lines",
  },
  features: {
    file: "bench/indicators_bench.ts",
    what: "EMA/RSI/ATR update cost vs @debut/indicators, trading-signals",
  },
  parse: {
    file: "bench/parse_bench.ts",
    what: "every venue trade channel: pipeline vs its JSON.parse floor, beside tardis-dev and ccxt",
  },
  feed: {
    file: "bench/feed_bench.ts",
    what: "feed pipeline vs JSON.parse floor, close lag, compute p99, soak RSS",
  },
  matching: {
    file: "bench/sim_matching_bench.ts",
    what: "simulator paper matching: trades/s with 1,000 resting orders",
  },
  connector: {
    file: "bench/connector_bench.ts",
    what: "Binance spot connector place+ack vs a bare signed fetch (p50/p99, overhead)",
  },
  "store-writer": {
    file: "bench/store_writer_bench.ts",
    what: "store writer rows/s: N bars on JetStream -> PostgreSQL, beside the store alone (COPY + upsert)",
  },
  live: {
    file: "bench/live_loop_bench.ts",
    what: "live loop: durable intents/s vs an fdatasync floor, submitOrder->ack vs place + 1 durable write",
  },
};

const HELP = `Usage: ./tp bench [--only NAME[,NAME]]

Runs the benchmarks (not tests: nothing here is asserted, every row prints its target and
whether it met it). Benches: ${
  Object.entries(BENCHES).map(([k, b]) => `\n  ${k.padEnd(16)} ${b.what}`).join("")
}

Each bench is also its own task (bench:exporter, bench:exporter-oneshot, bench:features, bench:feed)
with its own --help;
the feed's 10-minute RSS soak is ./tp bench:feed --soak-s 600 (./tp bench runs a 60 s soak).
Exit: 0 every bench ran (whatever its numbers), 1 a bench crashed, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, { help: HELP, options: { only: { type: "string" } } });
  if (!flags) return EXIT.OK;
  const names = flags.values.only ? flags.values.only.split(",") : Object.keys(BENCHES);
  let failed = 0;
  for (const name of names) {
    const b = BENCHES[name];
    if (!b) {
      console.error(`bench: unknown bench "${name}" (known: ${Object.keys(BENCHES).join(", ")})`);
      return EXIT.USAGE;
    }
    console.log(`\n== ${name}: ${b.what}`);
    const st = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...(b.denoFlags ?? []), b.file],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!st.success) {
      console.error(`bench: ${name} exited with code ${st.code}`);
      failed++;
    }
  }
  return failed ? EXIT.FAIL : EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("bench", main));
