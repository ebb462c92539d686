// Reads the feed's layered configuration (env file <- process env <- flags) into one FeedConfig,
// turning every problem into a one-line UsageError, and says where the venues point.
import { UsageError } from "../cli/main.ts";
import { ADAPTERS } from "../venues/registry.ts";
import { type FeedConfig, resolveFeedConfig } from "./config.ts";
import { parseEnvFile } from "./env_file.ts";

export const DEFAULT_ENV_FILE = "config/env/live.env";

/** Flag values by config key (undefined = not given). */
export interface ConfigFlags {
  readonly venues?: string;
  readonly symbols?: string;
  readonly intervals?: string;
  readonly quiet?: boolean;
  readonly store?: string;
  readonly partitioning?: string;
}

export function loadFeedConfig(
  envFile: string,
  processEnv: Record<string, string | undefined>,
  flags: ConfigFlags,
): FeedConfig {
  let text: string;
  try {
    text = Deno.readTextFileSync(envFile);
  } catch (err) {
    throw new UsageError(`cannot read env file ${envFile}: ${err instanceof Error ? err.message : err}`);
  }
  let config: FeedConfig;
  try {
    config = resolveFeedConfig(parseEnvFile(text, envFile), processEnv, {
      VENUES_ENABLED: flags.venues,
      SYMBOLS: flags.symbols,
      INTERVALS: flags.intervals,
      QUIET: flags.quiet ? "true" : undefined,
      STORE_PATH: flags.store,
      PARTITIONING_ENABLED: flags.partitioning,
    }, envFile);
  } catch (err) {
    if (err instanceof RangeError || err instanceof SyntaxError) throw new UsageError(err.message);
    throw err;
  }
  // Every enabled venue's endpoints must be there and be URLs of the right scheme.
  for (const v of config.settings.VENUES_ENABLED) {
    const adapter = ADAPTERS[v];
    let ep;
    try {
      ep = adapter.endpoints(config.env);
    } catch (err) {
      throw new UsageError(`config ${envFile}: ${err instanceof Error ? err.message : err}`);
    }
    for (const [role, url] of Object.entries(ep.ws)) {
      checkUrl(envFile, `${v} ${role} WebSocket`, url, ["ws:", "wss:"]);
    }
    checkUrl(envFile, `${v} REST`, ep.rest, ["http:", "https:"]);
  }
  return config;
}

function checkUrl(file: string, what: string, url: string, schemes: readonly string[]): void {
  let ok = false;
  try {
    ok = schemes.includes(new URL(url).protocol);
  } catch { /* not a URL */ }
  if (!ok) {
    const allowed = schemes.map((s) => `${s}//`).join(" or ");
    throw new UsageError(`config ${file}: the ${what} URL must start with ${allowed}, got "${url}"`);
  }
}

/** The one start line: which profile, and where the venues point (never a silent switch). */
export function venuesLine(config: FeedConfig): string {
  const s = config.settings;
  const hosts = new Set<string>();
  for (const v of s.VENUES_ENABLED) {
    for (const url of Object.values(ADAPTERS[v].endpoints(config.env).ws)) {
      const u = new URL(url);
      hosts.add(s.FEED_PROFILE === "sim" ? `${u.protocol}//${u.host}` : u.host);
    }
  }
  const where = s.FEED_PROFILE === "sim"
    ? `simulator at ${[...hosts].join(", ")}`
    : `public hosts ${[...hosts].join(", ")}`;
  return `feed: profile ${s.FEED_PROFILE} (${config.source}), venues: ${where}; clock ${s.FEED_CLOCK}; ` +
    `${s.VENUES_ENABLED.join(",")} x ${s.SYMBOLS.join(",")} x ${s.INTERVALS.join(",")}`;
}
