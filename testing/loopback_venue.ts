// Test support for the connection lifecycle: a loopback WebSocket "venue" on 127.0.0.1:0 driven by
// a script, a sink that collects lifecycle events, and lifecycle options with tens-of-ms timeouts.
import { withDeadline } from "../lib/async/poll.ts";
import type { ConnectionPlan, VenueAdapter } from "../lib/venues/adapter.ts";
import type { ConnectionEvent, ConnectionOptions } from "../lib/venues/connection.ts";

export interface Script {
  onOpen?: (ws: WebSocket, n: number) => void;
  onMessage?: (ws: WebSocket, text: string, n: number) => void;
  onClose?: (n: number, code: number) => void;
}

/** A loopback venue: records what each connection received and how it was closed. */
export function startVenue(script: Script) {
  const received: string[][] = [];
  const closeCodes: number[] = [];
  /** Server-side order of what happened: "open n", "recv n", "send n <text>", "close n <code>". */
  const timeline: string[] = [];
  const timers = new Set<ReturnType<typeof setInterval>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const n = received.length;
    received.push([]);
    socket.onopen = () => (timeline.push(`open ${n}`), script.onOpen?.(socket, n));
    socket.onmessage = (e) => {
      timeline.push(`recv ${n}`);
      received[n].push(String(e.data));
      script.onMessage?.(socket, String(e.data), n);
    };
    socket.onclose = (e) => {
      timeline.push(`close ${n} ${e.code}`);
      closeCodes.push(e.code);
      script.onClose?.(n, e.code);
    };
    socket.onerror = (e) => e.preventDefault();
    return response;
  });
  return {
    url: `ws://127.0.0.1:${server.addr.port}/ws`,
    received,
    closeCodes,
    timeline,
    /** Repeats fn every ms while the socket is open (heartbeats); cleared on close. */
    every(ws: WebSocket, ms: number, fn: () => void) {
      const id = setInterval(() => ws.readyState === WebSocket.OPEN ? fn() : clear(), ms);
      const clear = () => (clearInterval(id), timers.delete(id));
      timers.add(id);
      ws.addEventListener("close", clear);
    },
    async close() {
      for (const id of timers) clearInterval(id);
      await server.shutdown();
    },
  };
}

export function send(ws: WebSocket, text: string) {
  if (ws.readyState === WebSocket.OPEN) ws.send(text);
}

/** Collects sink events; `until` resolves when a predicate over all events holds. */
export function collector() {
  const events: ConnectionEvent[] = [];
  let waiter: { pred: (e: ConnectionEvent[]) => boolean; resolve: () => void } | null = null;
  return {
    events,
    sink: (ev: ConnectionEvent) => {
      events.push(ev);
      if (waiter?.pred(events)) (waiter.resolve(), waiter = null);
    },
    until(pred: (e: ConnectionEvent[]) => boolean, what: string): Promise<void> {
      if (pred(events)) return Promise.resolve();
      return withDeadline(what, new Promise<void>((resolve) => waiter = { pred, resolve }), 5000);
    },
  };
}

export const count = (evs: ConnectionEvent[], type: ConnectionEvent["type"]) =>
  evs.filter((e) => e.type === type).length;

export function options(
  adapter: VenueAdapter,
  url: string,
  subs: ConnectionPlan["subscriptions"],
  sink: ConnectionOptions["sink"],
  signal: AbortSignal,
  extra: Partial<ConnectionOptions> = {},
): ConnectionOptions {
  return {
    adapter,
    plan: { venue: adapter.venue, name: adapter.venue, url, subscriptions: subs },
    sink,
    signal,
    staleTimeoutMs: 5000,
    backoffBaseMs: 10,
    backoffMaxMs: 40,
    checkEveryMs: 10,
    effects: { random: () => 0 },
    ...extra,
  };
}
