// GET /health as the runbook reads it, a pure function of the loop's snapshot and the shell's own
// inputs (the feed gate, the rate limiters): 200 "ready" only when the risk manager, the state store,
// the venue and feed dependencies and the client (venue) rate limiter are within limits, startup
// reconciliation is done and the loop says it trades; 503 otherwise, every failing component saying why.
// The admin port's limiters are reported, never judged (see admin_rate_limiter below).
import { type LoopView, NOT_LOADED } from "./loop_view.ts";
import type { LimiterView } from "./limiters.ts";
import { heartbeatAgeSeconds } from "./metrics.ts";

/** The feed as the loop's gate sees it (feed before bot: no new orders while it is not ok). */
export interface FeedView {
  readonly ok: boolean;
  /** Why not, e.g. "connection refused", "stale: no bar for 130 s"; null when ok. */
  readonly error: string | null;
  /** ms since the last closed bar arrived; null before the first. */
  readonly lastBarAgeMs: number | null;
}

export interface HealthInput {
  readonly view: LoopView;
  readonly feed: FeedView;
  readonly clientLimiter: LimiterView;
  /** The admin port's limiters (admin_guard.ts portGuards().view): reported, never failing. */
  readonly adminLimiter: LimiterView;
  /** When the shell started (the venue's heartbeat ages from here until its first event). */
  readonly startedMs: number;
  /** A venue silent longer than this is failed even while its stream says up. */
  readonly heartbeatStaleMs: number;
}

export type ComponentStatus = "ok" | "pending" | "failed";

export interface ComponentHealth {
  readonly status: ComponentStatus;
  readonly healthy: boolean;
  /** Why it is not ok (null when ok). */
  readonly detail: string | null;
  readonly [k: string]: unknown;
}

export interface Health {
  readonly code: 200 | 503;
  readonly body: {
    readonly status: "ready" | "not_ready";
    readonly component: "live_loop";
    readonly venue: string;
    readonly mode: string;
    readonly loop_status: string;
    /** One line per failing part, "<component>: <detail>"; empty when ready. */
    readonly reasons: readonly string[];
    readonly components: Readonly<Record<string, ComponentHealth>>;
  };
}

const part = (
  status: ComponentStatus,
  detail: string | null,
  extra: Record<string, unknown>,
): ComponentHealth => ({
  status,
  healthy: status === "ok",
  detail: status === "ok" ? null : detail,
  ...extra,
});

const limiter = (name: string, l: LimiterView): ComponentHealth =>
  part(l.saturatedKeys.length ? "failed" : "ok", `${name} saturated: ${l.saturatedKeys.join(", ")}`, {
    utilisation: l.utilisation,
    saturated_keys: l.saturatedKeys,
  });

export function judgeHealth(h: HealthInput): Health {
  const v = h.view;
  // Before start() the loop has not loaded its switch yet: unknown is not ACTIVE.
  const ks = v.killSwitch ?? { state: "UNKNOWN", reason: NOT_LOADED, sinceMs: null };
  const ageS = heartbeatAgeSeconds(v, h.startedMs);
  const venueDetail = v.stream.state !== "up"
    ? `user stream ${v.stream.state}${v.stream.lastDownCause ? `: ${v.stream.lastDownCause}` : ""}`
    : ageS * 1000 > h.heartbeatStaleMs
    ? `venue silent for ${ageS.toFixed(1)} s: no event or ping answer (limit ${h.heartbeatStaleMs / 1000} s)`
    : null;
  const store = v.store;
  const storeDetail = store.failed
    ? `event log failed: ${store.failed}`
    : store.recovery === null
    ? "not booted yet"
    : store.recovery === "quarantined"
    ? `state quarantined: ${store.recoveryProblems.join("; ") || "broken event log"}`
    : null;
  const rec = v.reconciliation;
  // A cold start hydrates from disk only: no venue reconciliation is due until a stream reconnect.
  const coldDone = rec.state === "idle" && v.startMode === "cold" && v.status !== "starting";
  const recStatus: ComponentStatus = rec.state === "done" || coldDone
    ? "ok"
    : rec.state === "failed"
    ? "failed"
    : "pending";
  const recDetail = rec.state === "failed"
    ? `reconciliation failed: ${rec.reason ?? "no reason given"}`
    : rec.state === "running"
    ? `reconciliation running (${rec.trigger ?? "start"})`
    : "startup reconciliation not done yet";

  const components: Record<string, ComponentHealth> = {
    risk_manager: part(
      ks.state === "ACTIVE" ? "ok" : "failed",
      `kill switch ${ks.state === "HALTED" ? "engaged" : "state"}: ${ks.reason}`,
      {
        kill_switch: ks.state,
        since_ms: ks.sinceMs,
        drawdown_ratio: v.equity.drawdownBps / 10_000,
      },
    ),
    [`dependency:${v.venue}`]: part(venueDetail ? "failed" : "ok", venueDetail, {
      stream: v.stream.state,
      heartbeat_age_s: ageS,
      reconnects: v.stream.reconnects,
    }),
    "dependency:feed": part(h.feed.ok ? "ok" : "failed", `feed: ${h.feed.error ?? "not ok"}`, {
      last_bar_age_s: h.feed.lastBarAgeMs === null ? null : h.feed.lastBarAgeMs / 1000,
    }),
    client_rate_limiter: limiter("client rate limiter", h.clientLimiter),
    // Reported, never a readiness condition: the admin port's limits guard its APIs, not trading, and a
    // probe failing on them would let any caller of the port get the loop restarted: wrong tokens from
    // anyone on the box, or an operator's `watch` on GET /admin/kill-switch (10 a minute by default).
    admin_rate_limiter: part("ok", null, {
      utilisation: h.adminLimiter.utilisation,
      saturated_keys: h.adminLimiter.saturatedKeys,
    }),
    oms_store: part(storeDetail ? "failed" : "ok", storeDetail, {
      recovery: store.recovery,
      recovery_problems: store.recoveryProblems,
      last_durable_write_age_s: store.lastDurableWriteAgeMs === null
        ? null
        : store.lastDurableWriteAgeMs / 1000,
      durable_seq: store.durableSeq,
    }),
    reconciliation: part(recStatus, recDetail, {
      state: rec.state,
      start: v.startMode,
      trigger: rec.trigger,
      counts: rec.last,
      finished_at_ms: rec.lastFinishedAtMs,
    }),
  };
  const reasons = Object.entries(components).filter(([, c]) => !c.healthy).map(([n, c]) =>
    `${n}: ${c.detail}`
  );
  // The loop's own word last: it may be not trading for a reason no component above shows.
  if (v.status !== "ready") reasons.push(`loop: ${v.status}${v.reason ? `: ${v.reason}` : ""}`);
  const ready = reasons.length === 0;
  return {
    code: ready ? 200 : 503,
    body: {
      status: ready ? "ready" : "not_ready",
      component: "live_loop",
      venue: v.venue,
      mode: v.mode,
      loop_status: v.status,
      reasons,
      components,
    },
  };
}
