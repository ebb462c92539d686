#!/usr/bin/env -S deno run -A
// ./tp emit: appends sample ai_event v1 lines (decisions, actions, heartbeats) for the exporter.
import { EXIT, intFlag, parseFlags, run, shutdownSignal, UsageError } from "../lib/cli/main.ts";
import { isId } from "../lib/events/ai_event.ts";
import { emitEvents } from "../lib/events/emitter.ts";
import { abortableSleep } from "../lib/exporter/tailer.ts";

const DEFAULT_OUT = "logs/ai/ai_events.jsonl";

const HELP = `Usage: ./tp emit [options]

Appends sample ai_event v1 JSON lines: about 70% decisions (with latency_ms; the first event is
always a decision), 20% actions, 10% heartbeats. One append-mode write per line, so concurrent
writers never interleave. Every event is checked against the shared schema before it is written.

Options:
  --out PATH         file to append to; parent folders are created
                     (default PEAK_TRADE_AI_EVENTS_JSONL, else ${DEFAULT_OUT})
  --n N              events to write; 0 = until Ctrl-C (default 100)
  --interval-ms MS   pause between events (default 100; 0 = as fast as possible)
  --run-id ID        run_id of the events (default emit-local)
  --component ID     component (default shadow_strategy)
  --source ID        source (default emitter)
  --seed N           PRNG seed: same seed, same event sequence (default: from the clock)
  --start-ms MS      event time of the first event in epoch ms; event i is at
                     start + i * max(interval, 1) ms (with --seed the output is byte-identical).
                     Default: the wall clock.

Exit: 0 written, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      out: { type: "string" },
      n: { type: "string" },
      "interval-ms": { type: "string" },
      "run-id": { type: "string" },
      component: { type: "string" },
      source: { type: "string" },
      seed: { type: "string" },
      "start-ms": { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const id = (name: string, raw: string | undefined, fallback: string) => {
    const s = raw ?? fallback;
    if (!isId(s)) throw new UsageError(`--${name} must be 1-64 characters of [A-Za-z0-9._:-], got "${s}"`);
    return s;
  };
  const intervalMs = intFlag("interval-ms", v["interval-ms"], 100, 0, 3_600_000);
  const startRaw = v["start-ms"];
  const startMs = startRaw === undefined ? undefined : intFlag("start-ms", startRaw, 0, 0, 253402300799999);
  const signal = shutdownSignal();
  const written = await emitEvents({
    out: v.out ?? (Deno.env.get("PEAK_TRADE_AI_EVENTS_JSONL") || DEFAULT_OUT),
    n: intFlag("n", v.n, 100, 0),
    intervalMs,
    identity: {
      runId: id("run-id", v["run-id"], "emit-local"),
      component: id("component", v.component, "shadow_strategy"),
      source: id("source", v.source, "emitter"),
    },
    seed: intFlag("seed", v.seed, Date.now() % 2 ** 32, 0, 2 ** 32 - 1),
    clock: startMs === undefined ? () => Date.now() : (i) => startMs + i * Math.max(intervalMs, 1),
    sleep: (ms, s) => abortableSleep(ms, s ?? signal),
    signal,
  });
  console.error(JSON.stringify({ level: "info", msg: "events written", written }));
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("emit", main));
