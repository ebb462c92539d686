// The loop's HTTP shell settings: where it binds, how it starts, the admin token and limits. Layers:
// defaults -> env (LIVE_*) -> flags; each bad value is one ConfigError line naming it (exit 2). The
// loop's own settings (LIVE_STATE_DIR, risk limits) are the loop's config, not these.
import { z } from "zod";
import { bindHost, PORTS } from "../config/ports.ts";
import { ConfigError } from "../util/errors.ts";
import { type AdminToken, adminTokenFromEnv } from "./admin_token.ts";

const EnvSchema = z.object({
  /**
   * Admin calls with the right token per client address per minute; calls with a missing or wrong token
   * (admin and drill APIs) share one budget of the same size over all clients.
   */
  LIVE_ADMIN_RATE_PER_MIN: z.coerce.number().int().min(1).max(600).default(10),
  /**
   * Drill API calls per client address per minute (LIVE_DRILL=1). `./tp live-verify` polls GET every
   * 100 ms while it waits for an order to settle (at most 600 a minute) plus a few places and cancels:
   * the default is twice that.
   */
  LIVE_DRILL_RATE_PER_MIN: z.coerce.number().int().min(1).max(6000).default(1200),
  /** A venue silent longer than this fails /health (the alert waits 60 s + 1m too). */
  LIVE_HEARTBEAT_STALE_S: z.coerce.number().int().min(1).max(3600).default(60),
});
const ENV_KEYS = Object.keys(EnvSchema.shape) as (keyof typeof EnvSchema.shape)[];

export interface ShellConfig {
  readonly hostname: string;
  readonly port: number;
  /** null: let the loop choose (warm when the state dir holds a log, else cold). */
  readonly start: "cold" | "warm" | null;
  readonly adminToken: AdminToken | null;
  readonly adminPerMinute: number;
  readonly drillPerMinute: number;
  readonly heartbeatStaleMs: number;
}

export interface ShellFlags {
  readonly start?: string;
  readonly port?: string;
}

export function shellConfig(
  env: (name: string) => string | undefined,
  flags: ShellFlags,
  readText?: (path: string) => string,
): ShellConfig {
  const raw = Object.fromEntries(ENV_KEYS.map((k) => [k, env(k) === "" ? undefined : env(k)]));
  const r = EnvSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const key = String(i.path[0]);
    throw new ConfigError(`${key}: ${i.message} (value: "${raw[key]}")`);
  }
  if (flags.start !== undefined && flags.start !== "cold" && flags.start !== "warm") {
    throw new ConfigError(`--start must be cold or warm, got "${flags.start}"`);
  }
  const port = flags.port === undefined ? PORTS.live_loop : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || flags.port?.trim() === "") {
    throw new ConfigError(`--port must be a whole number from 0 to 65535, got "${flags.port}"`);
  }
  return {
    hostname: bindHost(),
    port,
    start: flags.start ?? null,
    adminToken: adminTokenFromEnv(env, readText),
    adminPerMinute: r.data.LIVE_ADMIN_RATE_PER_MIN,
    drillPerMinute: r.data.LIVE_DRILL_RATE_PER_MIN,
    heartbeatStaleMs: r.data.LIVE_HEARTBEAT_STALE_S * 1000,
  };
}
