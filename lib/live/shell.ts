// The loop's HTTP shell: binds /health, /metrics, the admin API and (LIVE_DRILL=1) the drill API on one
// port over a loop's snapshot and kill switch, each API behind the port's guard (admin_guard.ts).
// Started before the loop's start() (its snapshot then says "starting", so /health is 503 through boot
// and reconciliation), stopped after its shutdown().
import type { Logger } from "../log.ts";
import { serve } from "../http/serve.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import { adminHandler } from "./admin.ts";
import { portGuards } from "./admin_guard.ts";
import { drillHandler, type DrillLoop } from "./drill.ts";
import type { FeedView } from "./health.ts";
import type { KillSwitchControl } from "./kill_switch_control.ts";
import type { LimiterView } from "./limiters.ts";
import type { LoopView } from "./loop_view.ts";
import { createLiveMetrics, type LiveMetrics } from "./metrics.ts";
import { liveHttpHandler } from "./server.ts";
import type { ShellConfig } from "./shell_config.ts";

/** What LiveLoop offers for its kill switch (structural: the shell needs no more of the loop). */
export interface LoopKillSwitch {
  snapshot(): LoopView;
  engageKillSwitch(reason: string, by: string): Promise<void>;
  resetKillSwitch(reason: string, by: string): Promise<void>;
}

/** The loop's own switch (it records each change in its event log) as the admin API's control. */
export function loopKillSwitch(loop: LoopKillSwitch): KillSwitchControl {
  const state = (): KillSwitch | null => loop.snapshot().killSwitch;
  // A change loads the switch first, so it is there once the change resolves.
  const loaded = (): KillSwitch => state()!;
  return {
    state,
    engage: async (reason, by) => (await loop.engageKillSwitch(reason, by), loaded()),
    reset: async (reason, by) => (await loop.resetKillSwitch(reason, by), loaded()),
  };
}

export interface ShellDeps {
  readonly cfg: ShellConfig;
  readonly snapshot: () => LoopView;
  readonly killSwitch: KillSwitchControl;
  readonly feed: () => FeedView;
  readonly clientLimiter: () => LimiterView;
  readonly log: Logger;
  readonly now: () => number;
  /** The loop and venue the drill API orders on (LIVE_DRILL=1, paper only); absent: no drill API. */
  readonly drill?: { readonly loop: DrillLoop; readonly venue: string };
}

export interface LiveShell {
  readonly url: string;
  readonly port: number;
  readonly metrics: LiveMetrics;
  stop(): Promise<void>;
}

/** Binds now (a busy port throws PortBusyError, exit 2, before anything else starts). */
export function startLiveShell(d: ShellDeps): LiveShell {
  const startedMs = d.now();
  const metrics = createLiveMetrics(d.snapshot, startedMs);
  const guards = portGuards({
    token: d.cfg.adminToken,
    adminPerMinute: d.cfg.adminPerMinute,
    drillPerMinute: d.cfg.drillPerMinute,
    now: d.now,
    log: d.log,
    badRequest: metrics.badRequest,
    halted: () => d.killSwitch.state()?.state === "HALTED",
  });
  const ctrl = new AbortController();
  const server = serve({
    name: "live_loop",
    hostname: d.cfg.hostname,
    port: d.cfg.port,
    signal: ctrl.signal,
    handler: liveHttpHandler({
      snapshot: d.snapshot,
      feed: d.feed,
      clientLimiter: d.clientLimiter,
      adminLimiter: () => guards.view(d.now()),
      admin: adminHandler({
        control: d.killSwitch,
        guard: guards.admin,
        log: d.log,
        badRequest: metrics.badRequest,
      }),
      drill: d.drill && drillHandler(d.drill.loop, {
        venue: d.drill.venue,
        guard: guards.drill,
        badRequest: metrics.badRequest,
      }),
      metrics,
      startedMs,
      heartbeatStaleMs: d.cfg.heartbeatStaleMs,
    }),
  });
  const { hostname, port } = server.addr;
  let stopped: Promise<void> | null = null;
  return {
    url: `http://${hostname}:${port}`,
    port,
    metrics,
    stop: () =>
      stopped ??= (async () => {
        ctrl.abort();
        await server.finished;
      })(),
  };
}
