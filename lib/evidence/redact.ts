// Redacts secrets from config before it is written to run.json or logs.

const SECRET_KEY_RE = /(secret|token|passw(or)?d|passphrase|api[_-]?key|private[_-]?key|credential|auth)/i;
export const REDACTED = "<redacted>";

/** A deep copy with every value under a secret-looking key replaced, and URL credentials removed. */
export function redact(value: unknown, key = ""): unknown {
  if (SECRET_KEY_RE.test(key) && value !== null && value !== undefined && value !== "") return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  if (typeof value === "string") return value.replace(/(\w+:\/\/)[^/@\s]+@/g, `$1${REDACTED}@`);
  return value;
}
