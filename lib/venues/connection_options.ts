// What a connection lifecycle is given: the venue's adapter and plan, the event sink, its timing
// knobs, and the effects (socket, clock, timers, random) tests replace. Its own module so the lifecycle
// and its session share the types without importing each other.
import type { ConnectionPlan, VenueAdapter } from "./adapter.ts";
import type { ConnectionEvent } from "./connection_events.ts";

export type TimerId = ReturnType<typeof setTimeout>;

export interface ConnectionEffects {
  readonly connect: (url: string) => WebSocket;
  readonly now: () => number;
  readonly setTimeout: (fn: () => void, ms: number) => TimerId;
  readonly clearTimeout: (id: TimerId) => void;
  readonly random: () => number;
}

export interface ConnectionOptions {
  readonly adapter: VenueAdapter;
  readonly plan: ConnectionPlan;
  readonly sink: (ev: ConnectionEvent) => void;
  readonly signal: AbortSignal;
  /** No data, heartbeat, pong, ack or status for this long while open -> reconnect (STALE_TIMEOUT_MS). */
  readonly staleTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Give up on an attempt that has not opened after this long; default staleTimeoutMs. */
  readonly connectTimeoutMs?: number;
  /** Overrides the adapter's keepalive period (tests use tens of ms). */
  readonly keepaliveMs?: number;
  /** Overrides the adapter's maximum connection age. */
  readonly maxConnectionMs?: number | null;
  /** How often the watchdog looks at the clock; default a quarter of the shortest period. */
  readonly checkEveryMs?: number;
  /** Planned cuts hand over make-before-break (default true); false: close, then reconnect. */
  readonly makeBeforeBreak?: boolean;
  /**
   * How long the old connection keeps delivering after its successor subscribed (default 1000):
   * frames it sent before the successor's ack may still be in flight. Duplicates drop by trade id.
   */
  readonly handoverLingerMs?: number;
  readonly effects?: Partial<ConnectionEffects>;
}
