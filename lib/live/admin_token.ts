// The admin API's bearer token: LIVE_ADMIN_TOKEN, or LIVE_ADMIN_TOKEN_FILE naming a file that holds it
// (Docker/Kubernetes secrets; one trailing newline dropped), never both. Held so it cannot leak: it
// prints and serialises as <redacted>, errors never quote it, and a request's token is compared in
// constant time (both sides hashed to 32 bytes first, so the length does not show either).
import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../util/errors.ts";

const REDACTED = "<redacted>";
/** Shorter tokens are guessable; the rate limits do not stop guessing (see admin_guard.ts). */
export const MIN_TOKEN_CHARS = 16;

const digest = (s: string) => createHash("sha256").update(s).digest();

export class AdminToken {
  readonly #digest: Uint8Array;

  constructor(value: string) {
    this.#digest = digest(value);
  }

  /** Does `Authorization: Bearer <t>` carry this token? Constant time in the token's content. */
  matches(authorization: string | null): boolean {
    const m = /^Bearer (\S+)$/.exec(authorization ?? "");
    return timingSafeEqual(digest(m ? m[1] : ""), this.#digest) && m !== null;
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

/** The configured token, or null when neither variable is set (the admin API then answers 503). */
export function adminTokenFromEnv(
  env: (name: string) => string | undefined,
  readText: (path: string) => string = (p) => Deno.readTextFileSync(p),
): AdminToken | null {
  const direct = env("LIVE_ADMIN_TOKEN");
  const path = env("LIVE_ADMIN_TOKEN_FILE");
  if (direct && path) throw new ConfigError("set LIVE_ADMIN_TOKEN or LIVE_ADMIN_TOKEN_FILE, not both");
  if (!direct && !path) return null;
  const name = path ? "LIVE_ADMIN_TOKEN_FILE" : "LIVE_ADMIN_TOKEN";
  let value: string;
  try {
    value = path ? readText(path).replace(/\r?\n$/, "") : direct!;
  } catch (e) {
    throw new ConfigError(`LIVE_ADMIN_TOKEN_FILE=${path} cannot be read (${(e as Error).name})`);
  }
  if (value.length < MIN_TOKEN_CHARS || /[\s\p{Cc}]/u.test(value)) {
    throw new ConfigError(
      `${name} must hold at least ${MIN_TOKEN_CHARS} characters without spaces or control characters (value not shown)`,
    );
  }
  return new AdminToken(value);
}
