// An HMAC-SHA256 through Web Crypto, independent of node:crypto's createHmac that lib's signers use,
// so tests check a signer against a second implementation rather than against itself.
const enc = new TextEncoder();

/** Lowercase hex HMAC-SHA256 of `payload` (UTF-8) keyed with `secret`. */
export async function hmacHexWebCrypto(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(payload)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}
