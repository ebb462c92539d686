// What the feed does when a venue link or a symbol changes state: a pure step (state, event, now) ->
// (next state, actions). FeedReactor (feed_actions.ts) carries the actions out on the pipeline, the
// suspect book and the log; the rules (which bars become gaps, which ranges get the REST check) live
// only here.
import type { Level } from "../log.ts";
import type { MarketEvent, SymbolName, Venue } from "../market/types.ts";
import type { FeedSettings } from "./config.ts";
import type { FeedAction, FeedPolicy, PolicyConfig, PolicyState } from "./feed_policy_types.ts";

/** The policy's settings for a feed started at `startedAtMs` on a clock running `speed` x. */
export function policyConfig(
  s: Pick<FeedSettings, "SYMBOLS" | "BAR_CLOSE_GRACE_MS" | "STALE_TIMEOUT_MS">,
  startedAtMs: number,
  speed: number,
): PolicyConfig {
  return {
    symbols: s.SYMBOLS,
    startedAtMs,
    graceMs: s.BAR_CLOSE_GRACE_MS,
    staleTimeoutMs: s.STALE_TIMEOUT_MS,
    speed,
  };
}

export const INITIAL_POLICY_STATE: PolicyState = {
  everUp: new Set(),
  firstAfterConnect: new Map(),
  stalls: {},
};

export function feedPolicy(cfg: PolicyConfig): FeedPolicy {
  // Frames in flight when a link closes are lost: their trades may reach this far back in venue
  // time from when we noticed (delivery takes time, long on an accelerated clock).
  const lookbackMs = Math.max(60_000, 2 * cfg.graceMs);
  // A link or symbol can go silent unnoticed for up to the stale timeout (plus a check period).
  const silentMs = (cfg.staleTimeoutMs + 1000) * cfg.speed;
  const sinceSilent = (lastMs: number, now: number) => Math.min(now, Math.max(lastMs, now - silentMs));

  return (state, ev, now) => {
    const actions: FeedAction[] = [];
    switch (ev.type) {
      case "connect": {
        const { venue, name, trades } = ev.link;
        actions.push({ do: "link", venue, up: true }, { do: "doubt_clock" });
        if (trades) {
          actions.push({ do: "connection_up", venue, atMs: now });
          // Still silent after the reconnect: keep those symbols as gaps, not flat bars.
          for (const symbol of ev.stalled) actions.push({ do: "symbol_down", venue, symbol, sinceMs: now });
          // Trades between the open and the subscription taking effect are lost: check those bars
          // (from the feed's start on the venue's first connect: nothing was seen before it).
          const fromMs = state.everUp.has(venue) ? now : Math.min(now, cfg.startedAtMs);
          actions.push({
            do: "suspect",
            venue,
            symbol: null,
            fromMs,
            toMs: now + Math.max(60_000, cfg.graceMs),
          });
          // On an accelerated or loaded clock the subscription may take longer than that window:
          // each symbol's bars up to its first trade on this link get the check too.
          const first = new Map(state.firstAfterConnect);
          first.set(venue, new Map(cfg.symbols.map((sym) => [sym, now])));
          state = { ...state, everUp: new Set(state.everUp).add(venue), firstAfterConnect: first };
        }
        actions.push(log("info", "connected", { venue, connection: name, url: ev.url }));
        break;
      }
      case "disconnect": {
        const { venue, name, trades, lastDataMs } = ev.link;
        actions.push({ do: "link", venue, up: false });
        if (ev.reason === "aborted") {
          if (trades) actions.push({ do: "recheck", venue, fromMs: now - lookbackMs, toMs: now });
          break;
        }
        if (ev.reason === "stale") {
          state = { ...state, stalls: { ...state.stalls, [venue]: (state.stalls[venue] ?? 0) + 1 } };
          actions.push({ do: "stall", venue });
        }
        if (trades) {
          // Trades may be missing since the last data frame, so bars from then on are gaps and bars
          // already closed get checked.
          const sinceMs = sinceSilent(lastDataMs, now);
          actions.push(
            { do: "connection_down", venue, sinceMs },
            { do: "suspect", venue, symbol: null, fromMs: sinceMs - lookbackMs, toMs: now },
          );
        }
        const fields = { venue, connection: name, reason: ev.reason, code: ev.code, retryInMs: ev.retryInMs };
        actions.push(log("warn", "disconnected", fields));
        break;
      }
      case "venue_error":
        actions.push(log("warn", "venue error", {
          venue: ev.link.venue,
          connection: ev.link.name,
          reason: ev.reason,
          detail: ev.detail,
        }));
        break;
      case "handover":
        // Make-before-break: no gap, no suspect range, no reconnect (a failed one reconnects next).
        actions.push(log(ev.ok ? "info" : "warn", ev.ok ? "connection handed over" : "handover failed", {
          venue: ev.link.venue,
          connection: ev.link.name,
          reason: ev.reason,
          detail: ev.detail,
        }));
        break;
      case "symbols_stalled":
        for (const st of ev.stalls) {
          const { venue, symbol } = st;
          const sinceMs = sinceSilent(st.lastFeedMs, now);
          actions.push(
            { do: "symbol_down", venue, symbol, sinceMs },
            // Bars closed while we waited out the timeout were built without its trades: check them.
            { do: "suspect", venue, symbol, fromMs: sinceMs, toMs: now },
            log("warn", "symbol stalled", { venue, symbol, silentMs: Math.round(st.silentMs) }),
          );
        }
        break;
      case "symbol_back":
        actions.push(
          { do: "symbol_up", venue: ev.venue, symbol: ev.symbol, atMs: now },
          log("info", "symbol data back", { venue: ev.venue, symbol: ev.symbol }),
        );
        break;
      case "trades":
        state = firstTrades(state, ev.venue, ev.events, actions);
        break;
    }
    return { state, actions };
  };
}

/** The first trade of a symbol since its link connected: trades before it may be lost. */
function firstTrades(
  state: PolicyState,
  venue: Venue,
  events: readonly MarketEvent[],
  actions: FeedAction[],
): PolicyState {
  let pending = state.firstAfterConnect.get(venue);
  if (pending === undefined) return state;
  let copied = false;
  for (const e of events) {
    if (e.kind !== "trade") continue;
    const since = pending.get(e.symbol);
    if (since === undefined) continue;
    if (!copied) {
      pending = new Map(pending); // copy on the first hit only: most frames find nothing
      copied = true;
    }
    (pending as Map<SymbolName, number>).delete(e.symbol);
    // A trade older than the connect (a venue replaying recent trades on subscribe) lands in a bar
    // whose earlier trades were never seen: that bar is covered too.
    actions.push({
      do: "suspect",
      venue: e.venue,
      symbol: e.symbol,
      fromMs: Math.min(since, e.venueTimeMs),
      toMs: Math.max(since, e.venueTimeMs),
    });
  }
  if (!copied) return state;
  const first = new Map(state.firstAfterConnect);
  if (pending.size === 0) first.delete(venue);
  else first.set(venue, pending);
  return { ...state, firstAfterConnect: first };
}

function log(level: Level, msg: string, fields: Record<string, unknown>): FeedAction {
  return { do: "log", level, msg, fields };
}
