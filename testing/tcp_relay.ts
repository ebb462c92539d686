// A TCP relay on 127.0.0.1:0 in front of a loopback server, for network faults a real socket can
// suffer without the server doing anything: a direction of the connections open now that goes silent
// (bytes dropped, not held — a black hole, so a muted client's pongs never reach the server; new
// connections are not muted), and a frame injected towards the clients (a corrupted message on the
// wire; call it only while the server is not sending, so it cannot split one of the server's frames).

interface Pair {
  up: boolean;
  down: boolean;
}

export class TcpRelay {
  /** Connections accepted so far. */
  accepted = 0;
  readonly #listener: Deno.TcpListener;
  readonly #clients = new Map<Deno.TcpConn, Pair>();
  readonly #all = new Set<Deno.Conn>();
  readonly #done: Promise<void>;

  constructor(readonly targetPort: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#done = this.#accept();
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  async #accept(): Promise<void> {
    const pipes: Promise<void>[] = [];
    for await (const client of this.#listener) {
      this.accepted++;
      const server = await Deno.connect({ hostname: "127.0.0.1", port: this.targetPort });
      const muted: Pair = { up: false, down: false };
      this.#clients.set(client, muted);
      this.#all.add(client), this.#all.add(server);
      const both = [
        this.#pipe(client, server, () => muted.up),
        this.#pipe(server, client, () => muted.down),
      ];
      pipes.push(Promise.all(both).then(() => void this.#clients.delete(client)));
    }
    await Promise.all(pipes);
  }

  async #pipe(from: Deno.Conn, to: Deno.Conn, muted: () => boolean): Promise<void> {
    const buf = new Uint8Array(65536);
    try {
      for (let n = await from.read(buf); n !== null; n = await from.read(buf)) {
        if (!muted()) await to.write(buf.subarray(0, n));
      }
    } catch { /* either side gone */ }
    for (const c of [from, to]) {
      if (!this.#all.delete(c)) continue;
      try {
        c.close();
      } catch { /* already closed */ }
    }
  }

  /** From now on drops the bytes of every open connection in that direction (client -> server: "up"). */
  muteOpen(direction: "up" | "down"): void {
    for (const m of this.#clients.values()) m[direction] = true;
  }

  /** Sends one unmasked WebSocket text frame to every client (RFC 6455 §5.2; payload < 126 bytes). */
  async injectText(text: string): Promise<void> {
    const payload = new TextEncoder().encode(text);
    if (payload.length >= 126) throw new RangeError("injectText: payload must be under 126 bytes");
    const frame = new Uint8Array([0x81, payload.length, ...payload]);
    for (const c of this.#clients.keys()) await c.write(frame);
  }

  async close(): Promise<void> {
    this.#listener.close();
    for (const c of this.#all) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    this.#all.clear();
    await this.#done;
  }
}
