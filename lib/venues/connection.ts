// The one shared connection lifecycle (tardis-node style): connect, subscribe (again after every
// reconnect), keepalive per adapter hooks, stale detection, capped backoff with full jitter that
// never gives up, planned cuts as reconnects, explicit connect/disconnect events downstream, and
// conservation counters. Effects (socket, clock, timers, random) are injected.
import type { ConnectionPlan, VenueAdapter } from "./adapter.ts";
import { backoffDelayMs } from "./backoff.ts";
import { type ConnectionEvent, type ConnectionStats, emptyStats } from "./connection_events.ts";

export type { ConnectionEvent, ConnectionStats } from "./connection_events.ts";

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
  readonly effects?: Partial<ConnectionEffects>;
}

const DEFAULT_EFFECTS: ConnectionEffects = {
  connect: (url) => new WebSocket(url),
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  random: Math.random,
};

interface Outcome {
  readonly reason: string;
  readonly code?: number;
  readonly planned: boolean;
  readonly gotData: boolean;
}

/** Starts the lifecycle; `done` resolves once `signal` aborts and the socket is closed. */
export function startConnection(
  opts: ConnectionOptions,
): { readonly stats: ConnectionStats; readonly done: Promise<void> } {
  const stats = emptyStats();
  return { stats, done: runLoop(opts, stats) };
}

async function runLoop(opts: ConnectionOptions, stats: ConnectionStats): Promise<void> {
  const fx: ConnectionEffects = { ...DEFAULT_EFFECTS, ...opts.effects };
  const emit = (ev: ConnectionEvent) => {
    try {
      opts.sink(ev);
    } catch {
      stats.sinkErrors++; // a faulty consumer must not kill the connection
    }
  };
  let attempt = 0;
  while (!opts.signal.aborted) {
    const out = await session(opts, fx, stats, emit);
    if (opts.signal.aborted) {
      emit({ type: "disconnect", name: opts.plan.name, atMs: fx.now(), reason: "aborted", retryInMs: null });
      break;
    }
    if (out.gotData) attempt = 0;
    // A planned cut on a healthy link reconnects at once; anything else backs off.
    const delay = out.planned && out.gotData
      ? 0
      : backoffDelayMs(attempt++, opts.backoffBaseMs, opts.backoffMaxMs, fx.random);
    stats.reconnects++;
    emit({
      type: "disconnect",
      name: opts.plan.name,
      atMs: fx.now(),
      reason: out.reason,
      ...(out.code === undefined ? {} : { code: out.code }),
      retryInMs: delay,
    });
    await sleep(delay, opts.signal, fx);
  }
}

function sleep(ms: number, signal: AbortSignal, fx: ConnectionEffects): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      fx.clearTimeout(id);
      resolve();
    };
    const id = fx.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** One socket from open to close. Resolves only after the socket has really closed. */
function session(
  opts: ConnectionOptions,
  fx: ConnectionEffects,
  stats: ConnectionStats,
  emit: (ev: ConnectionEvent) => void,
): Promise<Outcome> {
  const { adapter, plan } = opts;
  const keepalive = adapter.keepalive;
  const keepaliveMs = opts.keepaliveMs ?? keepalive?.everyMs ?? Infinity;
  const maxAgeMs = opts.maxConnectionMs === undefined ? adapter.maxConnectionMs : opts.maxConnectionMs;
  const connectTimeoutMs = opts.connectTimeoutMs ?? opts.staleTimeoutMs;
  const checkEveryMs = opts.checkEveryMs ??
    Math.max(5, Math.floor(Math.min(opts.staleTimeoutMs, keepaliveMs, connectTimeoutMs) / 4));
  const name = plan.name;

  return new Promise((resolve) => {
    const startedAt = fx.now();
    let openedAt = -1, lastAliveMs = startedAt, lastFrameMs = startedAt, lastPingMs = startedAt;
    let pings = 0, gotData = false, outcome: Outcome | null = null;
    let ticker: TimerId | undefined, closeWait: TimerId | undefined;
    // OKX pushes its latest trade on subscribe whatever its age: flag the first per symbol.
    const replayPending = new Set(
      adapter.replaysFirstTrade
        ? plan.subscriptions.filter((s) => s.channel === "trades").map((s) => s.symbol)
        : [],
    );
    let ws: WebSocket;
    try {
      ws = fx.connect(plan.url);
    } catch (err) {
      // A malformed URL throws synchronously: treat like a failed attempt (config checks catch it earlier).
      return resolve({
        reason: `connect_failed: ${err instanceof Error ? err.message : err}`,
        planned: false,
        gotData,
      });
    }

    const settle = () => {
      if (ticker !== undefined) fx.clearTimeout(ticker);
      if (closeWait !== undefined) fx.clearTimeout(closeWait);
      opts.signal.removeEventListener("abort", onAbort);
      resolve(outcome!);
    };
    const finish = (o: Omit<Outcome, "gotData">) => {
      if (outcome) return;
      outcome = { ...o, gotData };
      if (ws.readyState === WebSocket.CLOSED) return settle();
      ws.close(1000);
      // Some peers never answer the close handshake: don't wait for them forever.
      closeWait = fx.setTimeout(settle, Math.max(1000, checkEveryMs));
    };
    const onAbort = () => finish({ reason: "aborted", planned: false });
    const send = (text: string) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    };

    ws.onopen = () => {
      openedAt =
        lastAliveMs =
        lastFrameMs =
        lastPingMs =
          fx.now();
      stats.connects++;
      emit({ type: "connect", name, url: plan.url, atMs: openedAt });
      for (const msg of adapter.subscribeMessages(plan)) send(msg);
    };
    ws.onmessage = (ev: MessageEvent) => {
      const receivedAtMs = fx.now();
      stats.framesIn++;
      lastFrameMs = receivedAtMs;
      const r = typeof ev.data === "string"
        ? adapter.map(ev.data, receivedAtMs)
        : { kind: "dropped" as const, events: [], reason: "binary_frame" };
      stats.byKind[r.kind]++;
      if (r.kind === "dropped") {
        stats.dropped++;
        const reason = r.reason ?? "unknown";
        stats.droppedByReason[reason] = (stats.droppedByReason[reason] ?? 0) + 1;
        const sample = typeof ev.data === "string" ? ev.data.slice(0, 200) : "<binary>";
        return emit({ type: "frame_dropped", name, reason, sample });
      }
      stats.handled++;
      switch (r.kind) {
        case "data": {
          gotData = true;
          lastAliveMs = receivedAtMs;
          stats.events += r.events.length;
          const first = r.events[0];
          let snapshot = r.snapshot === true;
          if (first?.kind === "trade" && replayPending.delete(first.symbol)) snapshot = true;
          return emit({ type: "events", name, events: r.events, snapshot, receivedAtMs });
        }
        case "error":
          return emit({
            type: "venue_error",
            name,
            reason: r.reason ?? "venue_error",
            detail: r.detail ?? "",
          });
        case "shutdown":
          return finish({ reason: "shutdown", planned: true });
        default: // ack, heartbeat, pong, status: the link is alive even when the market is quiet
          lastAliveMs = receivedAtMs;
      }
    };
    ws.onerror = (ev) => ev.preventDefault(); // the close event that follows carries the outcome
    ws.onclose = (ev: CloseEvent) => {
      // 1000/1001 from the server are planned cuts (restarts, 24 h limits): reconnect like any close.
      if (!outcome) {
        outcome = {
          reason: openedAt < 0 ? "connect_failed" : "closed",
          code: ev.code,
          planned: ev.code === 1000 || ev.code === 1001,
          gotData,
        };
      }
      settle();
    };

    const tick = () => {
      const now = fx.now();
      if (openedAt < 0) {
        if (now - startedAt >= connectTimeoutMs) return finish({ reason: "connect_timeout", planned: false });
      } else {
        if (now - lastAliveMs >= opts.staleTimeoutMs) return finish({ reason: "stale", planned: false });
        if (maxAgeMs !== null && now - openedAt >= maxAgeMs) {
          return finish({ reason: "max_age", planned: true });
        }
        if (keepalive) {
          const since = keepalive.mode === "interval"
            ? now - lastPingMs
            : now - Math.max(lastFrameMs, lastPingMs);
          if (since >= keepaliveMs) {
            lastPingMs = now;
            stats.pingsSent++;
            send(keepalive.message(++pings));
          }
        }
      }
      ticker = fx.setTimeout(tick, checkEveryMs);
    };
    ticker = fx.setTimeout(tick, checkEveryMs);
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener("abort", onAbort, { once: true });
  });
}
