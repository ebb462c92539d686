// Serving plain (Request) => Response handlers: GET-only routing, busy-port errors, clean stop.
import { PortBusyError } from "../util/errors.ts";

export type Handler = (req: Request) => Response | Promise<Response>;

/**
 * A GET-only router: known paths answer GET (and HEAD), other methods 405 with Allow,
 * unknown paths 404. Handlers are plain functions so tests call them without a port.
 */
export function getOnlyRouter(routes: Record<string, Handler>, fallback?: Handler): Handler {
  return async (req) => {
    const path = new URL(req.url).pathname;
    const route = routes[path];
    if (!route && !fallback) return text(404, "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const res = await (route ?? fallback!)(req);
    return req.method === "HEAD" ? new Response(null, { status: res.status, headers: res.headers }) : res;
  };
}

export function text(status: number, body: string, contentType = "text/plain; charset=utf-8"): Response {
  return new Response(body, { status, headers: { "content-type": contentType } });
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

// Callers that start servers catch it from here, beside serve() that throws it.
export { PortBusyError };

export interface ServeOptions {
  name: string;
  hostname: string;
  port: number;
  handler: Handler;
  signal?: AbortSignal;
}

/**
 * Starts a server or throws PortBusyError naming the port and how to see who holds it.
 * Never falls back to another port.
 */
export function serve(opts: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve({
      hostname: opts.hostname,
      port: opts.port,
      signal: opts.signal,
      onListen: () => {},
      onError: (err) => {
        console.error(
          JSON.stringify({
            level: "error",
            msg: "http handler failed",
            server: opts.name,
            error: String(err),
          }),
        );
        return new Response("internal error\n", { status: 500 });
      },
    }, opts.handler);
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new PortBusyError(
        `port ${opts.port} (${opts.name}) on ${opts.hostname} is already in use; see who holds it: ss -ltnp 'sport = :${opts.port}'`,
      );
    }
    throw err;
  }
}
