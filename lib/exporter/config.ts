// Exporter settings resolved once, in layers (defaults -> env -> flags), into one frozen object.
import { intFlag } from "../cli/main.ts";
import { bindHost, PORTS } from "../config/ports.ts";
import { isId } from "../events/ai_event.ts";
import { DEFAULT_MAX_RUN_IDS } from "./metrics_state.ts";
import { ConfigError } from "../util/errors.ts";
import type { Identity } from "./render_metrics.ts";

export const DEFAULT_EVENTS_PATH = "logs/ai/ai_events.jsonl";
export const DEFAULT_RUN_ID = "local";
export const DEFAULT_COMPONENT = "ai_live_exporter";

/**
 * V8 heap flags the exporter runs with (deno.json task `exporter`; a test keeps them in sync). Each
 * line's JSON.parse garbage makes V8's default young generation and lazy old-generation growth peak
 * at 110-180 MiB RSS during a catch-up; a 2 MB semi-space and a 64 MB old-space cap keep it near
 * 75 MiB at the same speed. The live state is small: caps bound it to 1000 run_ids x 16 components.
 */
export const EXPORTER_V8_FLAGS = "--max-semi-space-size=2,--max-old-space-size=64";

export interface ExporterConfig {
  readonly eventsPath: string;
  readonly host: string;
  readonly port: number;
  readonly maxRunIds: number;
  readonly pollMs: number;
  readonly identity: Identity;
  readonly once: boolean;
  readonly quiet: boolean;
}

export interface ExporterFlags {
  events?: string;
  host?: string;
  port?: string;
  "max-run-ids"?: string;
  "poll-ms"?: string;
  "run-id"?: string;
  component?: string;
  once?: boolean;
  quiet?: boolean;
}

function id(what: string, raw: string): string {
  if (!isId(raw)) throw new ConfigError(`${what} must be 1-64 characters of [A-Za-z0-9._:-], got "${raw}"`);
  return raw;
}

/** Flags win over env, env over defaults; throws ConfigError naming the bad setting. */
export function resolveConfig(
  flags: ExporterFlags,
  env: (name: string) => string | undefined,
): ExporterConfig {
  const pick = (flag: string | undefined, envName: string) => flag ?? (env(envName) || undefined);
  const portRaw = flags.port ?? env("PEAK_TRADE_AI_EXPORTER_PORT");
  const runsRaw = flags["max-run-ids"] ?? env("PEAK_TRADE_AI_MAX_RUN_IDS");
  return Object.freeze({
    eventsPath: pick(flags.events, "PEAK_TRADE_AI_EVENTS_JSONL") ?? DEFAULT_EVENTS_PATH,
    host: flags.host ?? bindHost(),
    port: intFlag("port (or PEAK_TRADE_AI_EXPORTER_PORT)", portRaw, PORTS.ai_live, 0, 65535),
    maxRunIds: intFlag(
      "max-run-ids (or PEAK_TRADE_AI_MAX_RUN_IDS)",
      runsRaw,
      DEFAULT_MAX_RUN_IDS,
      1,
      1_000_000,
    ),
    pollMs: intFlag("poll-ms", flags["poll-ms"], 200, 10, 1000),
    identity: Object.freeze({
      runId: id(
        "--run-id / PEAK_TRADE_AI_RUN_ID",
        pick(flags["run-id"], "PEAK_TRADE_AI_RUN_ID") ?? DEFAULT_RUN_ID,
      ),
      component: id(
        "--component / PEAK_TRADE_AI_COMPONENT",
        pick(flags.component, "PEAK_TRADE_AI_COMPONENT") ?? DEFAULT_COMPONENT,
      ),
    }),
    once: flags.once ?? false,
    quiet: flags.quiet ?? false,
  });
}
