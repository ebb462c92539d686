// The store writer's HTTP face (job store_writer): GET /metrics from an owned registry, read from the
// writer at scrape time, and GET /health. The stream's last sequence is asked at scrape time too, with
// a short deadline: a bus that does not answer leaves the last known value (the lag then looks smaller,
// never larger; the bus's own alerts cover the bus).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { getOnlyRouter, type Handler, json, text } from "../http/serve.ts";
import type { StoreWriter, WriterStats } from "./writer.ts";

export const BATCH_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STREAM_INFO_DEADLINE_MS = 500;

export interface WriterMetrics {
  readonly registry: Registry;
  /** Give to StoreWriterOptions.onBatch. */
  observeBatch(seconds: number, rows: number): void;
}

export function writerMetrics(writer: () => StoreWriter | null): WriterMetrics {
  const registry = new Registry();
  const read = (): WriterStats | null => writer()?.stats() ?? null;
  const gauge = (name: string, help: string, pick: (s: WriterStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = read();
        if (s !== null) this.set(pick(s));
      },
    });
  const counter = (name: string, help: string, pick: (s: WriterStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = read();
        this.reset();
        if (s !== null) this.inc(pick(s));
      },
    });
  gauge(
    "store_writer_up",
    "1 while the writer reads the bus and its last write landed, else 0.",
    (s) => s.started && !s.failing ? 1 : 0,
  );
  gauge(
    "store_writer_applied_seq",
    "The last bars-stream sequence recorded in the store with its batch (the writer's position).",
    (s) => s.appliedSeq,
  );
  new Gauge({
    name: "store_writer_stream_last_seq",
    help: "The bars stream's last sequence (lag = this - store_writer_applied_seq).",
    registers: [registry],
    async collect() {
      const w = writer();
      if (w === null) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, STREAM_INFO_DEADLINE_MS)));
      await Promise.race([w.refreshStreamLastSeq(), late]);
      clearTimeout(timer);
      this.set(w.stats().streamLastSeq);
    },
  });
  counter(
    "store_writer_rows_total",
    "Bars upserted into the store (a redelivered bar counts again).",
    (s) => s.rows,
  );
  counter(
    "store_writer_batches_total",
    "Batches committed (bars and position in one transaction).",
    (s) => s.batches,
  );
  counter(
    "store_writer_bad_messages_total",
    "Bus messages skipped because they were no valid bar (their sequence is recorded all the same).",
    (s) => s.badMessages,
  );
  counter(
    "store_writer_write_errors_total",
    "Batch writes that failed and were tried again.",
    (s) => s.writeErrors,
  );
  const batchSeconds = new Histogram({
    name: "store_writer_batch_seconds",
    help: "One batch's transaction: COPY into staging, upsert, position, commit; seconds.",
    buckets: BATCH_SECONDS_BUCKETS,
    registers: [registry],
  });
  return { registry, observeBatch: (seconds) => batchSeconds.observe(seconds) };
}

/** /health: 200 once reading and while writes land; 503 starting or while a write is being retried. */
export function writerHealth(s: WriterStats | null): { code: number; body: Record<string, unknown> } {
  if (s === null || !s.started) return { code: 503, body: { status: "starting" } };
  const body = {
    status: s.failing ? "failing" : "ok",
    appliedSeq: s.appliedSeq,
    streamLastSeq: s.streamLastSeq,
    lag: Math.max(0, s.streamLastSeq - s.appliedSeq),
    rows: s.rows,
    batches: s.batches,
    badMessages: s.badMessages,
    lastError: s.lastError,
  };
  return { code: s.failing ? 503 : 200, body };
}

export function writerHandler(writer: () => StoreWriter | null, metrics: WriterMetrics): Handler {
  return getOnlyRouter({
    "/metrics": async () => text(200, await metrics.registry.metrics(), metrics.registry.contentType),
    "/health": () => {
      const h = writerHealth(writer()?.stats() ?? null);
      return json(h.code, h.body);
    },
  });
}
