// The one shared connection lifecycle (tardis-node style): connect, subscribe (again after every
// reconnect), keepalive per adapter hooks, stale detection, capped backoff with full jitter that
// never gives up, explicit connect/disconnect events downstream, and conservation counters.
// Planned cuts (a venue's shutdown notice, our own max age) hand over make-before-break: a successor
// connects and subscribes while the old link still delivers, then the old one closes; downstream
// sees no disconnect. If the successor cannot subscribe, the cut becomes an ordinary reconnect.
// Effects (socket, clock, timers, random) are injected.
import type { ConnectionEffects, ConnectionOptions, TimerId } from "./connection_options.ts";
import { backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";
import { type ConnectionEvent, type ConnectionStats, emptyStats } from "./connection_events.ts";
import { openSession, type Session, type SessionHooks } from "./connection_session.ts";

export type { ConnectionEvent, ConnectionStats } from "./connection_events.ts";

export type { ConnectionEffects, ConnectionOptions, TimerId } from "./connection_options.ts";

export const DEFAULT_EFFECTS: ConnectionEffects = {
  connect: (url) => new WebSocket(url),
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  random: Math.random,
};

/** Starts the lifecycle; `done` resolves once `signal` aborts and every socket is closed. */
export function startConnection(
  opts: ConnectionOptions,
): { readonly stats: ConnectionStats; readonly done: Promise<void> } {
  const stats = emptyStats();
  return { stats, done: runLoop(opts, stats) };
}

async function runLoop(opts: ConnectionOptions, stats: ConnectionStats): Promise<void> {
  const fx: ConnectionEffects = { ...DEFAULT_EFFECTS, ...opts.effects };
  const name = opts.plan.name;
  const emit = (ev: ConnectionEvent) => {
    try {
      opts.sink(ev);
    } catch {
      stats.sinkErrors++; // a faulty consumer must not kill the connection
    }
  };
  const ho = new Handover(opts, fx, stats, emit);
  let attempt = 0;
  let next: Session | null = null;
  while (next !== null || !opts.signal.aborted) {
    const cur: Session = ho.active = next ?? ho.open(false);
    next = null;
    ho.resumeCut();
    const out = await cur.done;
    const successor = ho.settle();
    if (successor && successor.handedOver) {
      // Lossless: the successor was subscribed before the old link closed. Nothing to report.
      successor.session.promote(false);
      next = successor.session;
      attempt = 0;
      continue;
    }
    if (opts.signal.aborted) {
      if (successor) await successor.session.done;
      emit({ type: "disconnect", name, atMs: fx.now(), reason: "aborted", retryInMs: null });
      break;
    }
    if (out.gotData) attempt = 0;
    // One reconnect per lost link (an outage); each attempt that never opened is a failed connect.
    if (out.opened) stats.reconnects++;
    else stats.failedConnects++;
    if (successor) {
      // The old link closed before its successor subscribed: a real (short) outage, reported as
      // before; the successor, already connecting, becomes the link.
      emit({ type: "disconnect", name, atMs: fx.now(), reason: out.reason, ...code(out), retryInMs: 0 });
      successor.session.promote(true);
      next = successor.session;
      continue;
    }
    // A planned cut on a healthy link reconnects at once; anything else backs off.
    const delay = out.planned && out.gotData ? 0 : backoffDelayMs(
      attempt++,
      { baseMs: opts.backoffBaseMs, maxMs: opts.backoffMaxMs, jitter: "full" },
      fx.random,
    );
    emit({ type: "disconnect", name, atMs: fx.now(), reason: out.reason, ...code(out), retryInMs: delay });
    await sleep(delay, opts.signal, fx);
  }
}

const code = (o: { code?: number }) => o.code === undefined ? {} : { code: o.code };

/** The make-before-break state of one lifecycle: the active session and at most one successor. */
class Handover implements SessionHooks {
  active: Session | null = null;
  private successor: { session: Session; handedOver: boolean } | null = null;
  private reason = "";
  /** A cut announced to the successor before it took over: handled once it is the active one. */
  private deferred: string | null = null;
  private linger: TimerId | undefined;
  private overlapUntil = Number.NEGATIVE_INFINITY;
  private readonly enabled: boolean;
  private readonly lingerMs: number;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly fx: ConnectionEffects,
    private readonly stats: ConnectionStats,
    private readonly emit: (ev: ConnectionEvent) => void,
  ) {
    this.enabled = opts.makeBeforeBreak ?? true;
    this.lingerMs = opts.handoverLingerMs ?? 1000;
  }

  open(standby: boolean): Session {
    return openSession(this.opts, this.fx, this.stats, this.emit, this, standby);
  }

  readonly planned = (s: Session, reason: string): boolean => {
    if (this.successor?.session === s && this.successor.handedOver) {
      this.deferred = reason;
      return true;
    }
    if (s !== this.active || !this.enabled || this.opts.signal.aborted) return false;
    if (this.successor) return true; // already handing over
    this.reason = reason;
    const next = { session: this.open(true), handedOver: false };
    this.successor = next;
    next.session.done.then((out) => {
      // Promoted (the loop owns it now) or stopped (not a failure).
      if (this.successor !== next || next.handedOver || this.opts.signal.aborted) return;
      // The successor could not subscribe: the old link is cut as before (and reconnects at once).
      this.successor = null;
      this.stats.handoverFailures++;
      this.event(false, out.reason);
      this.active?.finish({ reason: this.reason, planned: true });
    }).catch(() => {});
    return true;
  };

  readonly ready = (s: Session): void => {
    const next = this.successor;
    if (next?.session !== s || next.handedOver) return;
    next.handedOver = true;
    this.stats.handovers++;
    this.event(true, "subscribed");
    const old = this.active;
    this.linger = this.fx.setTimeout(() => old?.finish({ reason: "handover", planned: true }), this.lingerMs);
  };

  // The new link may lag the old one: its copies of the old link's last frames count as overlap too.
  readonly overlap = (): boolean => this.successor !== null || this.fx.now() < this.overlapUntil;

  /** Starts the handover of a cut the new active session was told about while it was a successor. */
  resumeCut(): void {
    const reason = this.deferred;
    this.deferred = null;
    if (reason !== null && this.active && !this.planned(this.active, reason)) {
      this.active.finish({ reason, planned: true });
    }
  }

  /** The active session ended: hands back its successor (if any) and ends the overlap. */
  settle(): { session: Session; handedOver: boolean } | null {
    if (this.linger !== undefined) this.fx.clearTimeout(this.linger);
    this.linger = undefined;
    const next = this.successor;
    this.successor = null;
    if (next?.handedOver) this.overlapUntil = this.fx.now() + this.lingerMs;
    return next;
  }

  private event(ok: boolean, detail: string): void {
    const name = this.opts.plan.name;
    this.emit({ type: "handover", name, atMs: this.fx.now(), reason: this.reason, ok, detail });
  }
}
