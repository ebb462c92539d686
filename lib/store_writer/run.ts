// The store writer as a service: opens the PostgreSQL store (schema made or checked) and the bus (both
// must answer at start, else one EnvironmentError line naming the key), serves /metrics and /health,
// runs the writer until the signal, then closes the server, the bus and the store in that order.
import { JetStreamBus } from "../bus/jetstream_bus.ts";
import { bindHost } from "../config/ports.ts";
import { serve } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import { PgBarStore, type PgBarStoreOptions } from "../store/pg_bar_store.ts";
import { redactUrl } from "../store/store_url.ts";
import { EnvironmentError } from "../util/errors.ts";
import type { StoreWriterConfig } from "./config.ts";
import { writerHandler, writerMetrics } from "./http.ts";
import { StoreWriter, type WriterStats } from "./writer.ts";

export interface RunWriterOptions {
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Called once serving, with the URL (port 0 resolved). */
  readonly onListen?: (url: string) => void;
  /** Passed to the store (a fault drill's beforeCommit hook). */
  readonly store?: Pick<PgBarStoreOptions, "beforeCommit">;
}

function why(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs until the signal aborts; resolves with the writer's last stats. */
export async function runStoreWriter(
  config: StoreWriterConfig,
  opts: RunWriterOptions,
): Promise<WriterStats> {
  const { log } = opts;
  let writer: StoreWriter | null = null;
  const metrics = writerMetrics(() => writer);
  // Bind first: a busy port is exit 2 before the store or the bus is touched.
  const stopServing = new AbortController();
  const server = serve({
    name: "store_writer",
    hostname: bindHost(),
    port: config.port,
    handler: writerHandler(() => writer, metrics),
    signal: stopServing.signal,
  });
  let store: PgBarStore | null = null;
  let bus: JetStreamBus | null = null;
  try {
    try {
      store = await PgBarStore.open(config.storeUrl, {
        applicationName: `store-writer ${config.consumer}`.slice(0, 63),
        maxConnections: 2,
        ...opts.store,
      });
    } catch (err) {
      if (err instanceof EnvironmentError) throw err; // SchemaTooNewError among them: exit 3
      throw new EnvironmentError(
        `the store at STORE_URL=${redactUrl(config.storeUrl)} did not answer: ${why(err)}`,
      );
    }
    try {
      bus = await JetStreamBus.open(config.bus);
    } catch (err) {
      throw new EnvironmentError(
        `the market bus at BUS_URL=${config.bus.url} did not answer at start: ${why(err)}`,
      );
    }
    const b = bus;
    writer = new StoreWriter(
      {
        subscribeBars: (o) => b.subscribeBars(o),
        streamLastSeq: async () => (await b.streamState("bars")).lastSeq,
      },
      store,
      {
        consumer: config.consumer,
        batchSize: config.batchSize,
        batchWaitMs: config.batchWaitMs,
        log,
        onBatch: metrics.observeBatch,
      },
    );
    const url = `http://${server.addr.hostname}:${server.addr.port}`;
    log("info", "listening", {
      url,
      consumer: config.consumer,
      bus: config.bus.url,
      store: redactUrl(config.storeUrl),
      batchSize: config.batchSize,
      batchWaitMs: config.batchWaitMs,
    });
    opts.onListen?.(url);
    await writer.run(opts.signal);
    const stats = writer.stats();
    log("info", "stopped", {
      appliedSeq: stats.appliedSeq,
      rows: stats.rows,
      batches: stats.batches,
      badMessages: stats.badMessages,
    });
    return stats;
  } finally {
    stopServing.abort();
    await server.finished.catch(() => {});
    await bus?.close(1000).catch(() => {});
    await store?.close();
  }
}
