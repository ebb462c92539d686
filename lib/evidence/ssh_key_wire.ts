// SSH wire encoding (RFC 4253 uint32 and length-prefixed strings) and the armored text blocks that
// OpenSSH wraps binary blobs in (private keys, SSHSIG signatures). Shared by ssh_key.ts and sshsig.ts.

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/** Thrown by SshReader on truncated or invalid input; callers turn it into their own error type. */
export class WireError extends Error {
  override name = "WireError";
}

/** Reads uint32s and length-prefixed strings in order, never past the end. */
export class SshReader {
  #pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.#pos;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new WireError("truncated");
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  u32(): number {
    const b = this.bytes(4);
    return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  }

  string(): Uint8Array {
    return this.bytes(this.u32());
  }

  text(): string {
    try {
      return dec.decode(this.string());
    } catch {
      throw new WireError("a text field is not UTF-8");
    }
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}

/** Builds a wire buffer from raw bytes, uint32s and length-prefixed strings. */
export class SshWriter {
  readonly #parts: Uint8Array[] = [];

  raw(b: Uint8Array | string): this {
    this.#parts.push(typeof b === "string" ? enc.encode(b) : b);
    return this;
  }

  u32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return this.raw(b);
  }

  string(b: Uint8Array | string): this {
    const bytes = typeof b === "string" ? enc.encode(b) : b;
    return this.u32(bytes.length).raw(bytes);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** `-----BEGIN <label>-----`, base64 in 70-column lines (what ssh-keygen writes), `-----END <label>-----`. */
export function armor(label: string, blob: Uint8Array): string {
  const b64 = blob.toBase64();
  const lines = [];
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * The blob inside an armored block: the header must open the text and the footer close it
 * (surrounding whitespace and CRLF line ends are accepted). Throws WireError otherwise.
 */
export function dearmor(label: string, text: string): Uint8Array {
  const begin = `-----BEGIN ${label}-----`, end = `-----END ${label}-----`;
  const t = text.trim();
  if (!t.startsWith(begin)) throw new WireError(`does not start with ${begin}`);
  if (!t.endsWith(end)) throw new WireError(`does not end with ${end}`);
  const body = t.slice(begin.length, t.length - end.length);
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) throw new WireError("the body is not base64");
  try {
    return Uint8Array.fromBase64(body.replace(/\s+/g, ""));
  } catch {
    throw new WireError("the body is not base64");
  }
}
