// The one module that imports the NATS client (npm @nats-io/transport-node + @nats-io/jetstream),
// as lib/store/duckdb_open.ts is for DuckDB: the rest of the toolkit sees a small typed session —
// ensure a stream, publish with a message id, read a stream in order from a sequence, stream info.
// The connection reconnects on its own, forever, so a server restart is a pause, not an error.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  DeliverPolicy,
  jetstream,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";

export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly maxAgeMs: number;
  readonly duplicateWindowMs: number;
  readonly replicas: number;
}

export interface StreamState {
  readonly messages: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly replicas: number;
  /** Server name of the stream's leader ("" when unknown). */
  readonly leader: string;
}

export interface JsMessage {
  readonly seq: number;
  readonly subject: string;
  /** The Nats-Msg-Id header ("" when the publisher gave none). */
  readonly msgId: string;
  readonly data: Uint8Array;
}

export interface NatsSession {
  /** Creates the stream (file storage), or updates its limits when it exists with others. */
  ensureStream(spec: StreamSpec): Promise<void>;
  publish(subject: string, data: Uint8Array, msgId: string, ackTimeoutMs: number): Promise<{
    seq: number;
    duplicate: boolean;
  }>;
  /** An ordered consumer over `stream`: messages matching `filter` from sequence `fromSeq` on. */
  read(stream: string, filter: string, fromSeq: number, signal?: AbortSignal): AsyncIterable<JsMessage>;
  streamState(name: string): Promise<StreamState>;
  /** The sequence of the newest message on `subject` in `stream` (wildcards allowed); 0 when none. */
  lastSeq(stream: string, subject: string): Promise<number>;
  close(): Promise<void>;
}

const NS_PER_MS = 1_000_000;
/** "JetStream system temporarily unavailable": a cluster between leaders, worth sending again. */
const TRANSIENT_API_CODES = new Set([10008]);
/** "stream name already in use" (with a different configuration): update it instead. */
const STREAM_NAME_IN_USE = 10058;

/**
 * Whether a failed publish is worth sending again with the same id: everything (timeouts, no
 * responders during a restart, a closed or reconnecting connection) except a definite refusal by
 * JetStream itself, such as a message over the size limit.
 */
export function retryablePublishError(err: unknown): boolean {
  return !(err instanceof JetStreamApiError) || TRANSIENT_API_CODES.has(err.code);
}

function streamConfig(spec: StreamSpec) {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    storage: StorageType.File,
    max_age: spec.maxAgeMs * NS_PER_MS,
    duplicate_window: spec.duplicateWindowMs * NS_PER_MS,
    num_replicas: spec.replicas,
  };
}

class Session implements NatsSession {
  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  async ensureStream(spec: StreamSpec): Promise<void> {
    const config = streamConfig(spec);
    try {
      await this.jsm.streams.add(config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
      const { name: _, ...update } = config;
      await this.jsm.streams.update(spec.name, update);
    }
  }

  async publish(subject: string, data: Uint8Array, msgId: string, ackTimeoutMs: number) {
    const ack = await this.js.publish(subject, data, { msgID: msgId, timeout: ackTimeoutMs });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  async *read(
    stream: string,
    filter: string,
    fromSeq: number,
    signal?: AbortSignal,
  ): AsyncIterable<JsMessage> {
    if (signal?.aborted) return;
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, fromSeq),
    });
    const messages = await consumer.consume();
    const stop = () => messages.stop();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      for await (const m of messages) {
        yield { seq: m.seq, subject: m.subject, msgId: m.headers?.get("Nats-Msg-Id") ?? "", data: m.data };
      }
    } finally {
      signal?.removeEventListener("abort", stop);
      messages.stop();
    }
  }

  async streamState(name: string): Promise<StreamState> {
    const info = await this.jsm.streams.info(name);
    return {
      messages: info.state.messages,
      firstSeq: info.state.first_seq,
      lastSeq: info.state.last_seq,
      replicas: info.config.num_replicas,
      leader: info.cluster?.leader ?? "",
    };
  }

  async lastSeq(stream: string, subject: string): Promise<number> {
    return (await this.jsm.streams.getMessage(stream, { last_by_subj: subject }))?.seq ?? 0;
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}

export interface ConnectOptions {
  /** Shown in the server's connection list. */
  readonly name?: string;
  /** How long the first connect may take (default 10000 ms). */
  readonly timeoutMs?: number;
}

/** Connects to any of `urls` (nats://host:port); reconnects forever after a drop. */
export async function connectNats(urls: readonly string[], opts: ConnectOptions = {}): Promise<NatsSession> {
  const nc = await connect({
    servers: [...urls],
    name: opts.name ?? "tickproof",
    timeout: opts.timeoutMs ?? 10_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
  });
  return new Session(nc, jetstream(nc), await jetstreamManager(nc));
}
