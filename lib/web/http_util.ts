// The one HTTP error type, the security headers every response carries, and small response helpers.

/** Thrown by handlers for an expected failure; app.ts maps it to its status (anything else is a 500). */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The page loads only its own files; nothing may frame it, and it sends no referrer anywhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // data: only for the empty favicon link, so the browser does not ask for /favicon.ico.
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
});

export const ALLOW = "GET, HEAD";

/** A JSON API answer: never cached, since every value is live. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

export function textResponse(
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}

/** Copies `res` with the security headers added (Response headers can be immutable, so rebuild). */
export function withSecurityHeaders(res: Response, stripBody: boolean): Response {
  const headers = new Headers(res.headers);
  // A handler may set a stricter CSP of its own (evidence files are sandboxed); keep it.
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!headers.has(k)) headers.set(k, v);
  if (stripBody) void res.body?.cancel();
  return new Response(stripBody ? null : res.body, { status: res.status, headers });
}

/** A query parameter checked against a pattern; HttpError 400 naming the parameter otherwise. */
export function queryParam(url: URL, name: string, pattern: RegExp, fallback?: string): string {
  const raw = url.searchParams.get(name) ?? fallback;
  if (raw === undefined || raw === "") throw new HttpError(400, `query parameter "${name}" is required`);
  if (!pattern.test(raw)) throw new HttpError(400, `query parameter "${name}" is malformed: "${raw}"`);
  return raw;
}
