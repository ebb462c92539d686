// API credentials from the environment: BINANCE_API_KEY and BINANCE_API_SECRET, or BINANCE_API_KEY_FILE
// and BINANCE_API_SECRET_FILE naming files that hold them (Docker/Kubernetes secrets; one trailing
// newline is dropped). The secret never leaves this object: callers get a signer, and printing,
// JSON or inspecting the object shows "<redacted>". Errors name the variables, never their values.
import { ConfigError } from "../util/errors.ts";
import { hmacHex } from "./binance_sign.ts";

export type EnvGet = (name: string) => string | undefined;
export type ReadText = (path: string) => string;

const REDACTED = "ApiCredentials(<redacted>)";

export class ApiCredentials {
  readonly #apiKey: string;
  readonly #secret: string;

  constructor(apiKey: string, secret: string) {
    this.#apiKey = apiKey;
    this.#secret = secret;
  }

  /** The key id for the X-MBX-APIKEY header and WebSocket API params; not for logs either. */
  get apiKey(): string {
    return this.#apiKey;
  }

  /** Lowercase hex HMAC-SHA256 of `payload` with the secret (binance_trading.md §1). */
  readonly sign = (payload: string): string => hmacHex(this.#secret, payload);

  /** Strings that must never appear in a log line, an error or a label: the key, the secret. */
  mustNotLeak(text: string): boolean {
    return text.includes(this.#secret) || text.includes(this.#apiKey);
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for("Deno.customInspect")](): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

/** One credential: `NAME` or `NAME_FILE`, exactly one of them. */
function one(env: EnvGet, name: string, readText: ReadText): string {
  const direct = env(name);
  const path = env(`${name}_FILE`);
  if (direct && path) throw new ConfigError(`set ${name} or ${name}_FILE, not both`);
  let value: string;
  if (path) {
    try {
      value = readText(path).replace(/\r?\n$/, "");
    } catch (e) {
      throw new ConfigError(`${name}_FILE=${path} cannot be read (${(e as Error).name})`);
    }
  } else if (direct) value = direct;
  else throw new ConfigError(`${name} (or ${name}_FILE) is not set`);
  // Binance keys are 64 alphanumerics; refuse whitespace and control characters without echoing.
  if (value === "" || /[\s\p{Cc}]/u.test(value)) {
    throw new ConfigError(`${name}${path ? "_FILE" : ""} holds an empty or malformed value (not shown)`);
  }
  return value;
}

export function credentialsFromEnv(
  env: EnvGet = (n) => Deno.env.get(n),
  readText: ReadText = (p) => Deno.readTextFileSync(p),
  prefix = "BINANCE",
): ApiCredentials {
  return new ApiCredentials(
    one(env, `${prefix}_API_KEY`, readText),
    one(env, `${prefix}_API_SECRET`, readText),
  );
}
