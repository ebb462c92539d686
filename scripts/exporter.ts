#!/usr/bin/env -S deno run -A --v8-flags=--max-semi-space-size=2,--max-old-space-size=64
// ./tp exporter: tails the AI events file (ai_event v1 JSON lines) and serves Prometheus metrics
// (job ai_live). Flags and config only; the work is in lib/exporter/ (the contract in lib/events/).
import { EXIT, parseFlags, run, shutdownSignal, UsageError } from "../lib/cli/main.ts";
import { serve } from "../lib/http/serve.ts";
import { jsonLogger } from "../lib/log.ts";
import { Ingest } from "../lib/exporter/line_ingest.ts";
import { ExporterState } from "../lib/exporter/metrics_state.ts";
import { Tailer } from "../lib/exporter/tailer.ts";
import { DEFAULT_EVENTS_PATH, resolveConfig } from "../lib/exporter/config.ts";
import { exporterHandler } from "../lib/exporter/http_handler.ts";
import { renderMetrics } from "../lib/exporter/render_metrics.ts";

const HELP = `Usage: ./tp exporter [options]

Tails an ai_event v1 JSON-lines file and serves Prometheus metrics for job ai_live:
  GET /metrics  text exposition (peaktrade_ai_* series)
  GET /health   JSON: ok, caught_up, file, offset, lines, identity, ...

Options (flag > env > default):
  --events PATH        events file (env PEAK_TRADE_AI_EVENTS_JSONL; default ${DEFAULT_EVENTS_PATH})
  --port N             port (env PEAK_TRADE_AI_EXPORTER_PORT; default 9110 from config/ports.json)
  --host HOST          bind address (default 127.0.0.1, or TICKPROOF_BIND_HOST)
  --run-id ID          own identity label (env PEAK_TRADE_AI_RUN_ID; default local)
  --component ID       own identity label (env PEAK_TRADE_AI_COMPONENT; default ai_live_exporter)
  --max-run-ids N      distinct run_ids (and sources) kept; events with a new run_id past it are
                       dropped as reason="cardinality" (env PEAK_TRADE_AI_MAX_RUN_IDS; default 1000)
  --poll-ms N          pause between file polls, 10-1000 (default 200)
  --once               read the file once, print the exposition to stdout, exit (0; 2 if missing)
  --quiet              log warnings and errors only

Behaviour:
  - The file may not exist yet: the exporter waits for it. Appended lines show within about --poll-ms.
  - On every start the file is read again from its beginning, so the counters describe the file;
    /health says caught_up: true (and peaktrade_ai_exporter_caught_up is 1) once it reached the end.
  - Rename rotation: the old file is read to its end, then the new one from its start.
    Copytruncate: the file shrinking (or being rewritten) is noticed and it is read from byte 0.
  - A partial last line waits for its newline. Bad lines are counted (parse_errors_total, or
    dropped_total{reason=invalid|unknown_type|oversize|cardinality|truncated}) and skipped.

Run it as ./tp exporter: the task adds V8 heap flags (see EXPORTER_V8_FLAGS in lib/exporter/config.ts)
that keep peak memory under ~100 MiB while catching up on a large file.

Exit: 0 stopped by SIGINT/SIGTERM (or --once done), 2 usage error, missing file (--once) or port busy.`;

async function writeAll(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += await Deno.stdout.write(bytes.subarray(off));
}

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      events: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "run-id": { type: "string" },
      component: { type: "string" },
      "max-run-ids": { type: "string" },
      "poll-ms": { type: "string" },
      once: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (!parsed) return EXIT.OK;
  const cfg = resolveConfig(parsed.values, (k) => Deno.env.get(k));
  const log = jsonLogger(cfg.identity.component, { quiet: cfg.quiet });
  const state = new ExporterState({ maxRunIds: cfg.maxRunIds });
  const ingest = new Ingest(state, (lineNo, reason, line) => {
    log("warn", `Cannot use event line ${lineNo}: ${reason}`, {
      file: cfg.eventsPath,
      line: line.slice(0, 120),
    });
  });
  const tailer = new Tailer({ path: cfg.eventsPath, sink: ingest, pollMs: cfg.pollMs, log });
  const identity = cfg.identity;

  if (cfg.once) {
    try {
      await Deno.stat(cfg.eventsPath);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new UsageError(`events file not found: ${cfg.eventsPath}`);
      }
      throw err;
    }
    let text: string;
    try {
      await tailer.poll();
      text = renderMetrics(state, tailer.snapshot(), identity);
    } finally {
      tailer.close();
    }
    await writeAll(text);
    return EXIT.OK;
  }

  const signal = shutdownSignal();
  const server = serve({
    name: "ai_live",
    hostname: cfg.host,
    port: cfg.port,
    handler: exporterHandler({ state, tailer, identity }),
    signal,
  });
  log("info", "ai_live exporter listening", {
    url: `http://${cfg.host}:${server.addr.port}/metrics`,
    file: cfg.eventsPath,
    run_id: identity.runId,
    max_run_ids: cfg.maxRunIds,
  });
  try {
    await tailer.run(signal);
    await server.finished;
  } finally {
    tailer.close();
  }
  log("info", "ai_live exporter stopped", { lines: state.lines });
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("exporter", main));
