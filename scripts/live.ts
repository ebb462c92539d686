#!/usr/bin/env -S deno run -A
// live_loop: the live execution loop (job live_loop, :9120 by default). The engine (lib/live LiveLoop)
// is wired here once it lands; until then the task refuses to start rather than serve a loop that
// does not trade.
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";
import { PORTS } from "../lib/config/ports.ts";
import { EnvironmentError } from "../lib/util/errors.ts";

const HELP = `Usage: ./tp live [flags]

Runs the live execution loop (job live_loop): OMS with an intent-first event log, risk manager,
persisted kill switch, GET /health, GET /metrics and the admin API /admin/kill-switch on
127.0.0.1:${PORTS.live_loop} (TICKPROOF_BIND_HOST).

Flags:
  --start cold|warm   cold: hydrate from disk only; warm (default when state exists): also
                      reconcile with the venue before trading
  --port N            listen port, 0 = any free one (default: ${PORTS.live_loop} = PORTS.live_loop)
Env: LIVE_STATE_DIR (default data/live/), LIVE_ADMIN_TOKEN or LIVE_ADMIN_TOKEN_FILE.
Exit: 0 after SIGINT/SIGTERM (clean stop), 1 run failure, 2 bad flags/config or port busy.`;

function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: { start: { type: "string" }, port: { type: "string" } },
  });
  if (!parsed) return Promise.resolve(EXIT.OK);
  throw new EnvironmentError("the loop engine (lib/live LiveLoop) is not wired into ./tp live yet");
}

if (import.meta.main) Deno.exit(await run("live", main));
