// The WebSocket API side of testing/binance_trade_double.ts (binance_trading.md §5, §6): the
// {id, method, params} request envelope, `userDataStream.subscribe.signature` (params sorted by name,
// HMAC-checked with Web Crypto), `ping`, and pushes wrapped as {"subscriptionId": N, "event": {...}}.
// close() drops the socket. The user stream's own faults (refusals, stalls, lost pongs) are tested
// against the venue simulator (testing/user_stream_sim.ts).

/** What the handler needs of the double (structural, so the two files do not import each other). */
export interface WsVenue {
  readonly sockets: Set<UserSocket>;
  checkSigned(apiKey: string | null, payload: string, params: URLSearchParams): Promise<Response | null>;
}

export interface UserSocket {
  push(event: Record<string, unknown>): void;
  close(): void;
}

export function wsApiHandler(d: WsVenue, req: Request): Response {
  const { socket, response } = Deno.upgradeWebSocket(req);
  let subscriptionId: number | null = null;
  const user: UserSocket = {
    push(event) {
      if (subscriptionId !== null && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ subscriptionId, event }));
      }
    },
    close() {
      if (socket.readyState === WebSocket.OPEN) socket.close();
    },
  };
  const reply = (id: unknown, status: number, body: Record<string, unknown>) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id, status, ...body }));
  };
  socket.onopen = () => d.sockets.add(user);
  socket.onclose = () => d.sockets.delete(user);
  socket.onerror = (e) => e.preventDefault();
  socket.onmessage = async (m) => {
    const { id, method, params = {} } = JSON.parse(String(m.data));
    if (method === "ping") return reply(id, 200, { result: {} });
    if (method !== "userDataStream.subscribe.signature") {
      return reply(id, 400, { error: { code: -1100, msg: `Unknown method ${method}` } });
    }
    const sorted = Object.keys(params).filter((k) => k !== "signature").sort().map((k) =>
      `${k}=${params[k]}`
    );
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) q.set(k, String(v));
    const denied = await d.checkSigned(
      params.apiKey ?? null,
      sorted.join("&") + `&signature=${params.signature}`,
      q,
    );
    if (denied) return reply(id, denied.status, { error: await denied.json() });
    subscriptionId = 0;
    reply(id, 200, { result: { subscriptionId } });
  };
  return response;
}
