#!/usr/bin/env -S deno run -A
// store_writer: bars from the market bus (JetStream) into the PostgreSQL store (job store_writer,
// :9130 by default). Flags are the env keys' values; the library does the rest.
import { EXIT, parseFlags, run, shutdownSignal } from "../lib/cli/main.ts";
import { PORTS } from "../lib/config/ports.ts";
import { jsonLogger } from "../lib/log.ts";
import { resolveWriterConfig, WRITER_DEFAULTS } from "../lib/store_writer/config.ts";
import { runStoreWriter } from "../lib/store_writer/run.ts";

const HELP = `Usage: ./tp store-writer [flags]

Reads closed bars from the bus's bars stream (JetStream, BUS_URL) in stream order and upserts them into
the PostgreSQL store (STORE_URL=postgres://...) in batches. Each batch and its last stream sequence land
in one transaction, and a restart resumes from that sequence + 1 (an ordered consumer: the position
lives in PostgreSQL, never in a server-side durable consumer). Redelivered bars are harmless (upsert by
key); a later message for a key (a repaired bar) replaces the earlier one. A message that is no valid
bar is logged, counted (store_writer_bad_messages_total) and skipped. A failed write is retried.
Serves GET /metrics and GET /health on 127.0.0.1 (TICKPROOF_BIND_HOST).

Flags (win over env):
  --consumer NAME      its position's name in the store [STORE_WRITER_CONSUMER]
                       (default: ${WRITER_DEFAULTS.consumer}; two writers need two names)
  --batch-size N       bars per transaction at most [STORE_WRITER_BATCH_SIZE] (default ${WRITER_DEFAULTS.batchSize})
  --batch-wait-ms N    wait after a batch's first bar for more [STORE_WRITER_BATCH_WAIT_MS]
                       (default ${WRITER_DEFAULTS.batchWaitMs})
  --port N             listen port, 0 = any free one [STORE_WRITER_PORT]
                       (default: ${PORTS.store_writer} = PORTS.store_writer)
Env: BUS_URL (required, nats://host:port[,...]), STORE_URL (required, postgres://user:password@host:port/db;
  duckdb: and others are refused), BUS_* stream settings as for ./tp feed.
Exit: 0 after SIGINT/SIGTERM (a batch in flight commits or rolls back whole), 1 run failure,
  2 bad flags/config, port busy, bus or store not answering at start, 3 store schema newer than this release.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      consumer: { type: "string" },
      "batch-size": { type: "string" },
      "batch-wait-ms": { type: "string" },
      port: { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const flagEnv: Record<string, string | undefined> = {
    STORE_WRITER_CONSUMER: v.consumer,
    STORE_WRITER_BATCH_SIZE: v["batch-size"],
    STORE_WRITER_BATCH_WAIT_MS: v["batch-wait-ms"],
    STORE_WRITER_PORT: v.port,
  };
  const env = { ...Deno.env.toObject() };
  for (const [k, val] of Object.entries(flagEnv)) if (val !== undefined) env[k] = val;
  const config = resolveWriterConfig(env);
  const signal = shutdownSignal();
  await runStoreWriter(config, {
    log: jsonLogger("store_writer"),
    signal,
    onListen: (url) => console.log(`store_writer: ${url}/ (consumer ${config.consumer})`),
  });
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("store-writer", main));
