// One socket of the connection lifecycle, from open to close: subscribe, keepalive, stale and
// max-age checks, frame mapping. connection.ts runs one at a time, or two during a make-before-break
// handover (the old one still delivering while its successor subscribes).
import type { ConnectionEvent, ConnectionStats } from "./connection_events.ts";
import type { ConnectionEffects, ConnectionOptions, TimerId } from "./connection_options.ts";

export interface Outcome {
  readonly reason: string;
  readonly code?: number;
  readonly planned: boolean;
  readonly gotData: boolean;
  /** The socket opened: its end starts an outage (a failed attempt never opened). */
  readonly opened: boolean;
}

/** How a session talks back to the lifecycle that runs it. */
export interface SessionHooks {
  /**
   * The venue announced a planned cut ("shutdown" frame) or the maximum age was reached ("max_age"):
   * true when a handover takes care of it (the session keeps running), false to close now.
   */
  readonly planned: (s: Session, reason: string) => boolean;
  /** Subscribed: every expected ack arrived, or (no ack count known) the first data frame. */
  readonly ready: (s: Session) => void;
  /** Two connections deliver right now: flag their events for de-duplication (snapshot). */
  readonly overlap: () => boolean;
}

export interface Session {
  readonly done: Promise<Outcome>;
  /** Closes the socket (first call wins); `done` resolves once it has really closed. */
  finish(o: Omit<Outcome, "gotData" | "opened">): void;
  /**
   * A standby session becomes the link: it emits "connect" now (or at open) when `announce`, then
   * what it received while on standby, in order.
   */
  promote(announce: boolean): void;
}

/**
 * Opens one socket. A standby session (a handover successor) emits no "connect" and holds its data
 * until promoted, so none overtakes a frame the old link still has in flight (a trade id seen early on
 * the new link would count as an id gap). A failed successor's held data is dropped: the old link
 * delivered all of it.
 */
export function openSession(
  opts: ConnectionOptions,
  fx: ConnectionEffects,
  stats: ConnectionStats,
  emit: (ev: ConnectionEvent) => void,
  hooks: SessionHooks,
  standby: boolean,
): Session {
  const { adapter, plan } = opts;
  const keepalive = adapter.keepalive;
  const keepaliveMs = opts.keepaliveMs ?? keepalive?.everyMs ?? Infinity;
  const maxAgeMs = opts.maxConnectionMs === undefined ? adapter.maxConnectionMs : opts.maxConnectionMs;
  const connectTimeoutMs = opts.connectTimeoutMs ?? opts.staleTimeoutMs;
  const checkEveryMs = opts.checkEveryMs ??
    Math.max(5, Math.floor(Math.min(opts.staleTimeoutMs, keepaliveMs, connectTimeoutMs) / 4));
  const acksNeeded = adapter.subscribeAcks?.(plan) ?? null;
  const name = plan.name;

  let resolveDone!: (o: Outcome) => void;
  const done = new Promise<Outcome>((r) => resolveDone = r);
  const startedAt = fx.now();
  let openedAt = -1, lastAliveMs = startedAt, lastFrameMs = startedAt, lastPingMs = startedAt;
  let pings = 0, acks = 0, gotData = false, isReady = false, cutAsked = false;
  let announce = !standby, waiting = standby;
  let outcome: Outcome | null = null;
  let ticker: TimerId | undefined, closeWait: TimerId | undefined;
  // OKX pushes its latest trade on subscribe whatever its age: flag the first per symbol.
  const replayPending = new Set(
    adapter.replaysFirstTrade
      ? plan.subscriptions.filter((s) => s.channel === "trades").map((s) => s.symbol)
      : [],
  );
  let ws: WebSocket | null = null;
  let held: ConnectionEvent[] | null = standby ? [] : null;

  const settle = () => {
    if (ticker !== undefined) fx.clearTimeout(ticker);
    if (closeWait !== undefined) fx.clearTimeout(closeWait);
    opts.signal.removeEventListener("abort", onAbort);
    resolveDone(outcome!);
  };
  const finish = (o: Omit<Outcome, "gotData" | "opened">) => {
    if (outcome) return;
    outcome = { ...o, gotData, opened: openedAt >= 0 };
    if (ws === null || ws.readyState === WebSocket.CLOSED) return settle();
    ws.close(1000);
    // Some peers never answer the close handshake: don't wait for them forever.
    closeWait = fx.setTimeout(settle, Math.max(1000, checkEveryMs));
  };
  const onAbort = () => finish({ reason: "aborted", planned: false });
  const send = (text: string) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(text);
  };
  const announceConnect = () => emit({ type: "connect", name, url: plan.url, atMs: fx.now() });
  const session: Session = {
    done,
    finish,
    promote(a) {
      waiting = false;
      if (a && openedAt >= 0) announceConnect();
      else announce = a;
      const evs = held ?? [];
      held = null;
      for (const ev of evs) emit(ev);
    },
  };
  const markReady = () => {
    if (isReady) return;
    isReady = true;
    hooks.ready(session);
  };
  // A planned cut: hand over when the lifecycle can, else close now (and reconnect at once).
  const cut = (reason: string) => {
    if (cutAsked) return;
    cutAsked = true;
    if (!hooks.planned(session, reason)) finish({ reason, planned: true });
  };

  try {
    ws = fx.connect(plan.url);
  } catch (err) {
    // A malformed URL throws synchronously: treat like a failed attempt (config checks catch it earlier).
    finish({ reason: `connect_failed: ${err instanceof Error ? err.message : err}`, planned: false });
    return session;
  }
  const sock = ws;

  sock.onopen = () => {
    openedAt =
      lastAliveMs =
      lastFrameMs =
      lastPingMs =
        fx.now();
    stats.connects++;
    if (announce) announceConnect();
    for (const msg of adapter.subscribeMessages(plan)) send(msg);
    if (acksNeeded === 0) markReady();
  };
  sock.onmessage = (ev: MessageEvent) => {
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
        let snapshot = r.snapshot === true || hooks.overlap();
        if (first?.kind === "trade" && replayPending.delete(first.symbol)) snapshot = true;
        const ev: ConnectionEvent = { type: "events", name, events: r.events, snapshot, receivedAtMs };
        if (held === null) emit(ev);
        else held.push(ev);
        if (acksNeeded === null) markReady();
        return;
      }
      case "error":
        return emit({ type: "venue_error", name, reason: r.reason ?? "venue_error", detail: r.detail ?? "" });
      case "shutdown":
        lastAliveMs = receivedAtMs;
        return cut("shutdown");
      case "ack":
        lastAliveMs = receivedAtMs;
        if (acksNeeded !== null && ++acks >= acksNeeded) markReady();
        return;
      default: // heartbeat, pong, status: the link is alive even when the market is quiet
        lastAliveMs = receivedAtMs;
    }
  };
  sock.onerror = (ev) => ev.preventDefault(); // the close event that follows carries the outcome
  sock.onclose = (ev: CloseEvent) => {
    // 1000/1001 from the server are planned cuts (restarts, 24 h limits): reconnect like any close.
    if (!outcome) {
      outcome = {
        reason: openedAt < 0 ? "connect_failed" : "closed",
        code: ev.code,
        planned: ev.code === 1000 || ev.code === 1001,
        gotData,
        opened: openedAt >= 0,
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
      // A successor that cannot subscribe fails the handover (the old link then reconnects as before).
      if (waiting && !isReady && now - startedAt >= connectTimeoutMs + opts.staleTimeoutMs) {
        return finish({ reason: "subscribe_timeout", planned: false });
      }
      if (maxAgeMs !== null && now - openedAt >= maxAgeMs) cut("max_age");
      if (outcome) return;
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
  return session;
}
