// The bus settings, resolved once from env-style keys into one frozen object: where the bus is
// (BUS_URL unset = in-process), the two streams' retention and duplicate windows and replicas, and
// the publishing outbox. A bad value is one ConfigError naming the key.
import type { Backoff } from "../async/backoff.ts";
import { ConfigError } from "../util/errors.ts";

export interface StreamSettings {
  /** JetStream stream name. */
  readonly name: string;
  /** Messages older than this are removed (JetStream max_age). */
  readonly maxAgeMs: number;
  /** A message id seen again within this window is dropped (JetStream duplicate_window). */
  readonly duplicateWindowMs: number;
  /** Copies across the cluster: 1 on a single node, 3 on a three-node cluster. */
  readonly replicas: number;
}

export interface OutboxSettings {
  /** Publishes waiting or in flight; one more is refused and counted, never dropped silently. */
  readonly capacity: number;
  /** How long one publish waits for the stream's ack before it is sent again (same id). */
  readonly ackTimeoutMs: number;
  /** Delay between attempts of one publish. */
  readonly retry: Backoff;
}

export interface BusConfig {
  /** nats://host:port[,nats://...]; null = the in-process bus. */
  readonly url: string | null;
  readonly trades: StreamSettings;
  readonly bars: StreamSettings;
  readonly outbox: OutboxSettings;
}

const S = 1000, H = 3600 * S;

export const BUS_DEFAULTS: BusConfig = Object.freeze({
  url: null,
  trades: Object.freeze({ name: "MD_TRADES", maxAgeMs: 24 * H, duplicateWindowMs: 10 * 60 * S, replicas: 1 }),
  // Two hours: a restarted feed re-sending its last closed 1h bar is still inside the window.
  bars: Object.freeze({ name: "MD_BARS", maxAgeMs: 30 * 24 * H, duplicateWindowMs: 2 * H, replicas: 1 }),
  outbox: Object.freeze({
    capacity: 10_000,
    ackTimeoutMs: 5_000,
    retry: Object.freeze({ baseMs: 100, maxMs: 2_000, jitter: "equal" as const }),
  }),
});

/** Every key resolveBusConfig reads. */
export const BUS_KEYS = [
  "BUS_URL",
  "BUS_REPLICAS",
  "BUS_TRADES_MAX_AGE_S",
  "BUS_TRADES_DUPLICATE_WINDOW_S",
  "BUS_BARS_MAX_AGE_S",
  "BUS_BARS_DUPLICATE_WINDOW_S",
  "BUS_OUTBOX_CAPACITY",
  "BUS_ACK_TIMEOUT_MS",
] as const;

function whole(env: Record<string, string | undefined>, key: string, fallback: number, min: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${key} must be a whole number >= ${min} (value: "${raw}")`);
  }
  return n;
}

function stream(
  env: Record<string, string | undefined>,
  kind: "TRADES" | "BARS",
  base: StreamSettings,
  replicas: number,
): StreamSettings {
  const maxAgeMs = whole(env, `BUS_${kind}_MAX_AGE_S`, base.maxAgeMs / S, 1) * S;
  const duplicateWindowMs = whole(env, `BUS_${kind}_DUPLICATE_WINDOW_S`, base.duplicateWindowMs / S, 1) * S;
  // JetStream refuses a stream whose duplicate window outlasts its messages.
  if (duplicateWindowMs > maxAgeMs) {
    throw new ConfigError(
      `BUS_${kind}_DUPLICATE_WINDOW_S (${duplicateWindowMs / S}) must not exceed BUS_${kind}_MAX_AGE_S (${
        maxAgeMs / S
      })`,
    );
  }
  return Object.freeze({ name: base.name, maxAgeMs, duplicateWindowMs, replicas });
}

export function resolveBusConfig(env: Record<string, string | undefined>): BusConfig {
  const url = env.BUS_URL?.trim() || null;
  if (url !== null && !url.split(",").every((u) => /^(nats|tls):\/\/[^\s/]+$/.test(u.trim()))) {
    throw new ConfigError(`BUS_URL must be nats://host:port[,nats://host:port...] (value: "${url}")`);
  }
  const replicas = whole(env, "BUS_REPLICAS", 1, 1);
  if (replicas > 5) throw new ConfigError(`BUS_REPLICAS must be from 1 to 5 (value: "${replicas}")`);
  return Object.freeze({
    url,
    trades: stream(env, "TRADES", BUS_DEFAULTS.trades, replicas),
    bars: stream(env, "BARS", BUS_DEFAULTS.bars, replicas),
    outbox: Object.freeze({
      ...BUS_DEFAULTS.outbox,
      capacity: whole(env, "BUS_OUTBOX_CAPACITY", BUS_DEFAULTS.outbox.capacity, 1),
      ackTimeoutMs: whole(env, "BUS_ACK_TIMEOUT_MS", BUS_DEFAULTS.outbox.ackTimeoutMs, 100),
    }),
  });
}
