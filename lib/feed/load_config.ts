// Reads the feed's layered configuration (env file <- process env <- flags) into one FeedConfig,
// turning every problem into a one-line ConfigError, and says where the venues point.
import { ConfigError } from "../util/errors.ts";
import { ADAPTERS } from "../venues/registry.ts";
import { FEED_KEYS, type FeedConfig, resolveFeedConfig } from "./config.ts";
import { parseEnvFile, unknownKeys } from "./env_file.ts";

export const DEFAULT_ENV_FILE = "config/env/live.env";

/** Flag values by config key (undefined = not given). */
export interface ConfigFlags {
  readonly venues?: string;
  readonly symbols?: string;
  readonly intervals?: string;
  readonly quiet?: boolean;
  readonly store?: string;
  readonly "store-url"?: string;
  readonly partitioning?: string;
}

/** The flag that sets each config key, so a bad flag value names the flag, not the env file. */
const FLAG_OF: Readonly<Record<string, string>> = {
  VENUES_ENABLED: "--venues",
  SYMBOLS: "--symbols",
  INTERVALS: "--intervals",
  STORE_PATH: "--store",
  STORE_URL: "--store-url",
  PARTITIONING_ENABLED: "--partitioning",
};

/** Every key something reads from the env file: the feed's settings and each venue's endpoints. */
export const KNOWN_ENV_KEYS: readonly string[] = [
  ...FEED_KEYS,
  ...Object.values(ADAPTERS).flatMap((a) => a.envKeys),
];

export function loadFeedConfig(
  envFile: string,
  processEnv: Record<string, string | undefined>,
  flags: ConfigFlags,
  warn: (message: string) => void = () => {},
): FeedConfig {
  let text: string;
  try {
    text = Deno.readTextFileSync(envFile);
  } catch (err) {
    throw new ConfigError(`cannot read env file ${envFile}: ${err instanceof Error ? err.message : err}`);
  }
  const flagValues: Record<string, string | undefined> = {
    VENUES_ENABLED: flags.venues,
    SYMBOLS: flags.symbols,
    INTERVALS: flags.intervals,
    QUIET: flags.quiet ? "true" : undefined,
    STORE_PATH: flags.store,
    STORE_URL: flags["store-url"],
    PARTITIONING_ENABLED: flags.partitioning,
  };
  let config: FeedConfig;
  try {
    const fileEnv = parseEnvFile(text, envFile);
    for (const u of unknownKeys(text, KNOWN_ENV_KEYS)) {
      const hint = u.closest ? `; did you mean ${u.closest}?` : "";
      warn(`config ${envFile} line ${u.line}: unknown key ${u.key} is ignored${hint}`);
    }
    config = resolveFeedConfig(fileEnv, processEnv, flagValues, envFile);
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError(blameFlag(err.message, envFile, flagValues));
    if (err instanceof SyntaxError) throw new ConfigError(err.message);
    throw err;
  }
  // Every enabled venue's endpoints must be there and be URLs of the right scheme.
  for (const v of config.settings.VENUES_ENABLED) {
    const adapter = ADAPTERS[v];
    let ep;
    try {
      ep = adapter.endpoints(config.env);
    } catch (err) {
      throw new ConfigError(`config ${envFile}: ${err instanceof Error ? err.message : err}`);
    }
    for (const [role, url] of Object.entries(ep.ws)) {
      checkUrl(envFile, `${v} ${role} WebSocket`, url, ["ws:", "wss:"]);
    }
    checkUrl(envFile, `${v} REST`, ep.rest, ["http:", "https:"]);
  }
  return config;
}

/** "config FILE: KEY ..." becomes "--flag: KEY ..." when the bad value came from that flag. */
function blameFlag(message: string, envFile: string, flagValues: Record<string, string | undefined>): string {
  const prefix = `config ${envFile}: `;
  const key = message.startsWith(prefix) ? message.slice(prefix.length).split(" ")[0] : "";
  const flag = FLAG_OF[key];
  return flag && flagValues[key] !== undefined ? `${flag}: ${message.slice(prefix.length)}` : message;
}

function checkUrl(file: string, what: string, url: string, schemes: readonly string[]): void {
  let ok = false;
  try {
    ok = schemes.includes(new URL(url).protocol);
  } catch { /* not a URL */ }
  if (!ok) {
    const allowed = schemes.map((s) => `${s}//`).join(" or ");
    throw new ConfigError(`config ${file}: the ${what} URL must start with ${allowed}, got "${url}"`);
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
