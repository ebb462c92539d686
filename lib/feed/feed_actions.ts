// Drives the pure feed policy (feed_policy.ts): turns connection events and symbol-watch checks into
// policy events, keeps the policy's state, and carries out its actions on the service's parts (the
// pipeline's gaps, the suspect book and rechecks, the clock's doubt, the watch's link state, the log).
import type { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Venue } from "../market/types.ts";
import type { ConnectionEvent } from "../venues/connection_events.ts";
import type { Logger } from "../log.ts";
import type { ClockFollow } from "./clock_follow.ts";
import type { BarCommitter } from "./commit.ts";
import type { FeedConnection } from "./connections.ts";
import type { FeedAction, FeedPolicy, PolicyEvent, PolicyState } from "./feed_policy_types.ts";
import { INITIAL_POLICY_STATE } from "./feed_policy.ts";
import type { FeedIngest } from "./ingest.ts";
import type { SuspectBook } from "./suspects.ts";
import type { SymbolWatch } from "./symbol_watch.ts";

export interface ActionTargets {
  readonly pipeline: Pick<
    BarPipeline,
    "connectionUp" | "connectionDown" | "stall" | "symbolDown" | "symbolUp"
  >;
  readonly suspects: Pick<SuspectBook, "mark">;
  readonly committer: Pick<BarCommitter, "recheck">;
  readonly follow: Pick<ClockFollow, "doubtNow">;
  readonly watch: Pick<SymbolWatch, "link" | "seen" | "stalledOf" | "check">;
  readonly connections: readonly FeedConnection[];
  readonly wallNow: () => number;
  readonly log: Logger;
}

/** What the reactor also reads: the ingest it hands events to and the feed clock. */
export interface ReactorParts extends ActionTargets {
  readonly ingest: Pick<FeedIngest, "events" | "dropped">;
  readonly feedNow: () => number;
}

export class FeedReactor {
  private readonly policy: FeedPolicy;
  private readonly parts: ReactorParts;
  private state: PolicyState = INITIAL_POLICY_STATE;

  constructor(policy: FeedPolicy, parts: ReactorParts) {
    this.policy = policy;
    this.parts = parts;
  }

  /** Links closed by the stale timeout, per venue. */
  get stalls(): Readonly<Partial<Record<Venue, number>>> {
    return this.state.stalls;
  }

  /** A venue link's event (the connections' sink). */
  onConnection(c: FeedConnection, ev: ConnectionEvent): void {
    const p = this.parts;
    switch (ev.type) {
      case "events": {
        const now = p.feedNow();
        c.lastDataMs = now;
        // Before the pipeline sees them: a stalled symbol's data ends its down period first.
        for (let i = 0; i < ev.events.length; i++) {
          const e = ev.events[i];
          if (p.watch.seen(e.venue, e.symbol, c.lastFrameWallMs, now)) {
            this.step(c, { type: "symbol_back", venue: e.venue, symbol: e.symbol });
          }
        }
        if (this.state.firstAfterConnect.size > 0) {
          this.step(c, { type: "trades", venue: c.venue, events: ev.events });
        }
        p.ingest.events(ev.events, ev.snapshot);
        return;
      }
      case "frame_dropped":
        p.ingest.dropped(c.venue, ev.reason, ev.sample, p.feedNow());
        return;
      case "connect":
        return this.step(c, { type: "connect", link: c, url: ev.url, stalled: p.watch.stalledOf(c.venue) });
      case "disconnect":
      case "venue_error":
      case "handover":
        return this.step(c, { ...ev, link: c });
    }
  }

  /** Symbols silent too long on an open link: bars from their last data on become gaps (REST backfill). */
  checkSymbols(): void {
    const stalls = this.parts.watch.check(this.parts.wallNow());
    if (stalls.length > 0) this.step(null, { type: "symbols_stalled", stalls });
  }

  private step(c: FeedConnection | null, ev: PolicyEvent): void {
    const { state, actions } = this.policy(this.state, ev, this.parts.feedNow());
    this.state = state;
    applyFeedActions(this.parts, c, actions);
  }
}

/** `link`: the connection a "link" action is about (the event's). */
export function applyFeedActions(
  t: ActionTargets,
  link: FeedConnection | null,
  actions: readonly FeedAction[],
): void {
  for (const a of actions) {
    switch (a.do) {
      case "link": {
        if (link === null) throw new Error(`a link action for ${a.venue} without its connection`);
        link.up = a.up;
        // The watch judges symbols only while every link of the venue is up.
        const all = t.connections.filter((x) => x.venue === a.venue);
        t.watch.link(a.venue, all.length > 0 && all.every((x) => x.up) ? t.wallNow() : null);
        break;
      }
      case "doubt_clock":
        t.follow.doubtNow();
        break;
      case "connection_up":
        t.pipeline.connectionUp(a.venue, a.atMs);
        break;
      case "connection_down":
        t.pipeline.connectionDown(a.venue, a.sinceMs);
        break;
      case "stall":
        t.pipeline.stall(a.venue);
        break;
      case "symbol_down":
        t.pipeline.symbolDown(a.venue, a.symbol, a.sinceMs);
        break;
      case "symbol_up":
        t.pipeline.symbolUp(a.venue, a.symbol, a.atMs);
        break;
      case "suspect":
        t.suspects.mark(a.venue, a.symbol, a.fromMs, a.toMs);
        t.committer.recheck(a.venue, a.symbol, a.fromMs, a.toMs);
        break;
      case "recheck":
        t.committer.recheck(a.venue, null, a.fromMs, a.toMs);
        break;
      case "log":
        t.log(a.level, a.msg, a.fields);
    }
  }
}
