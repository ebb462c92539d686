#!/usr/bin/env -S deno run -A
// live_loop: the live execution loop (job live_loop, :9120 by default). The HTTP shell (lib/live/shell.ts)
// and its settings are here; the engine (LiveLoop) is wired in once it is merged: bind the shell over
// loop.snapshot() and loopKillSwitch(loop), then loop.start({ coldStart }), untilAborted(signal),
// loop.shutdown(), shell.stop(). Until then the task refuses to start rather than serve a loop that
// does not trade.
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";
import { PORTS } from "../lib/config/ports.ts";
import { shellConfig } from "../lib/live/shell_config.ts";
import { EnvironmentError } from "../lib/util/errors.ts";

const HELP = `Usage: ./tp live [flags]

Runs the live execution loop (job live_loop): OMS with an intent-first event log, risk manager,
persisted kill switch, GET /health, GET /metrics and the admin API /admin/kill-switch, on
127.0.0.1 (TICKPROOF_BIND_HOST). Everything but the admin API is GET-only.

Flags:
  --start cold|warm   cold: hydrate from the state dir only; warm (the default when state
                      exists): also reconcile with the venue before trading
  --port N            listen port, 0 = any free one (default: ${PORTS.live_loop} = PORTS.live_loop)
Env:
  LIVE_STATE_DIR              state dir: event log, snapshots, kill switch (default data/live/)
  LIVE_ADMIN_TOKEN            bearer token of the admin API (or LIVE_ADMIN_TOKEN_FILE; at least
                              16 characters; without one the admin API answers 503)
  LIVE_ADMIN_RATE_PER_MIN     admin calls per client address per minute (default 10)
  LIVE_HEARTBEAT_STALE_S      a venue silent longer fails /health (default 60)
Exit: 0 after SIGINT/SIGTERM (clean stop), 1 run failure, 2 bad flags/config or port busy.`;

function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: { start: { type: "string" }, port: { type: "string" } },
  });
  if (!parsed) return Promise.resolve(EXIT.OK);
  shellConfig((k) => Deno.env.get(k), parsed.values);
  throw new EnvironmentError("the loop engine (LiveLoop) is not wired into ./tp live yet");
}

if (import.meta.main) Deno.exit(await run("live", main));
