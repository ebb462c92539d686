// A bare WebSocket client over TCP for tests that need what a browser-style WebSocket hides: the ping
// frames a server sends, and a client that never answers them with a pong. Reads server frames
// (unmasked, RFC 6455 §5.2) until the close frame; sends nothing after the handshake.

export interface RawFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

export interface RawWs {
  /** Every frame received, in order. */
  readonly frames: RawFrame[];
  /** The close frame's code and reason, once received (or null when the socket ended without one). */
  readonly closed: Promise<{ code: number; reason: string } | null>;
  end(): void;
}

export const OP_TEXT = 1, OP_CLOSE = 8, OP_PING = 9;

export async function rawWebSocket(port: number, path: string): Promise<RawWs> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const hello = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  await conn.write(new TextEncoder().encode(hello));
  const frames: RawFrame[] = [];
  const closed = (async () => {
    let buf = new Uint8Array(0);
    let headerDone = false;
    const chunk = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(chunk).catch(() => null);
      if (n === null) return null;
      const next = new Uint8Array(buf.length + n);
      next.set(buf), next.set(chunk.subarray(0, n), buf.length);
      buf = next;
      if (!headerDone) {
        const end = new TextDecoder().decode(buf).indexOf("\r\n\r\n");
        if (end < 0) continue;
        if (!new TextDecoder().decode(buf.subarray(0, end)).startsWith("HTTP/1.1 101")) return null;
        headerDone = true;
        buf = buf.subarray(end + 4);
      }
      for (let f = parse(buf); f; f = parse(buf)) {
        buf = buf.subarray(f.size);
        frames.push(f.frame);
        if (f.frame.opcode === OP_CLOSE) {
          const p = f.frame.payload;
          const code = p.length >= 2 ? (p[0] << 8) | p[1] : 1005;
          return { code, reason: new TextDecoder().decode(p.subarray(2)) };
        }
      }
    }
  })();
  return {
    frames,
    closed,
    end: () => {
      try {
        conn.close();
      } catch { /* already closed */ }
    },
  };
}

function parse(b: Uint8Array): { frame: RawFrame; size: number } | null {
  if (b.length < 2) return null;
  let len = b[1] & 0x7f, at = 2;
  if (len === 126) {
    if (b.length < 4) return null;
    len = (b[2] << 8) | b[3], at = 4;
  } else if (len === 127) {
    if (b.length < 10) return null;
    len = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0)), at = 10;
  }
  if (b.length < at + len) return null;
  return { frame: { opcode: b[0] & 0x0f, payload: b.slice(at, at + len) }, size: at + len };
}
