// The store writer's settings, resolved once from env-style keys (flags are applied by the entry point
// as the same keys) into one frozen object: the bus it reads (BUS_URL, required), the PostgreSQL store it
// writes (STORE_URL, postgres:// only: the DuckDB file belongs to the one feed that holds it), its
// consumer name (the row of its position in the store), its batches and its HTTP port. A bad value is
// one ConfigError naming the key.
import { type BusConfig, resolveBusConfig } from "../bus/bus_config.ts";
import { PORTS } from "../config/ports.ts";
import { parseStoreUrl, redactUrl } from "../store/store_url.ts";
import { ConfigError } from "../util/errors.ts";

export interface StoreWriterConfig {
  readonly bus: BusConfig;
  /** postgres://user:password@host:port/db (never logged as is: redactUrl). */
  readonly storeUrl: string;
  /** The writer's name in the store's position table; two writers need two names. */
  readonly consumer: string;
  /** Bars per transaction at most. */
  readonly batchSize: number;
  /** How long a batch waits for more bars after its first one, ms. */
  readonly batchWaitMs: number;
  /** /metrics and /health; 0 = a free port. */
  readonly port: number;
}

export const WRITER_DEFAULTS = Object.freeze({
  consumer: "store-writer",
  // A COPY of 2,000 rows is a few ms; bigger batches gain little and hold the row locks longer.
  batchSize: 2000,
  batchWaitMs: 200,
});

/** Every key resolveWriterConfig reads (the BUS_* keys too). */
export const WRITER_KEYS = [
  "STORE_URL",
  "STORE_WRITER_CONSUMER",
  "STORE_WRITER_BATCH_SIZE",
  "STORE_WRITER_BATCH_WAIT_MS",
  "STORE_WRITER_PORT",
] as const;

function whole(
  env: Record<string, string | undefined>,
  key: string,
  fallback: number,
  min: number,
  max: number,
) {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max} (value: "${raw}")`);
  }
  return n;
}

export function resolveWriterConfig(env: Record<string, string | undefined>): StoreWriterConfig {
  const bus = resolveBusConfig(env);
  if (bus.url === null) {
    throw new ConfigError(
      "BUS_URL is not set: the store writer reads bars from JetStream (nats://host:port)",
    );
  }
  const raw = env.STORE_URL ?? "";
  const target = parseStoreUrl(raw);
  if (target.kind !== "postgres") {
    throw new ConfigError(
      `STORE_URL must be postgres://user:password@host:port/db for the store writer (value: "${
        raw.trim() === "" ? "unset" : redactUrl(raw.trim())
      }")`,
    );
  }
  const consumer = (env.STORE_WRITER_CONSUMER ?? "").trim() || WRITER_DEFAULTS.consumer;
  if (consumer.length > 200) {
    throw new ConfigError(`STORE_WRITER_CONSUMER must be at most 200 characters (value: "${consumer}")`);
  }
  return Object.freeze({
    bus,
    storeUrl: target.url,
    consumer,
    batchSize: whole(env, "STORE_WRITER_BATCH_SIZE", WRITER_DEFAULTS.batchSize, 1, 100_000),
    batchWaitMs: whole(env, "STORE_WRITER_BATCH_WAIT_MS", WRITER_DEFAULTS.batchWaitMs, 0, 60_000),
    port: whole(env, "STORE_WRITER_PORT", PORTS.store_writer, 0, 65535),
  });
}
