// Ed25519 signing keys in OpenSSH's own files: the unencrypted openssh-key-v1 private key format
// (PROTOCOL.key) and the one-line public key, so keys move freely between tickproof and ssh-keygen.
// Key material never appears in an error message; the private half lives only in a KeyObject.
import { ConfigError } from "../util/errors.ts";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { writeFileAtomic } from "../fs/atomic.ts";
import { armor, bytesEqual, dearmor, SshReader, SshWriter, WireError } from "./ssh_key_wire.ts";

export const KEY_TYPE = "ssh-ed25519";
const PRIVATE_LABEL = "OPENSSH PRIVATE KEY";
const MAGIC = "openssh-key-v1\0";
const BLOCK = 8; // padding block size of the "none" cipher

export interface Ed25519Key {
  /** The private key; a KeyObject prints no key bytes when logged. */
  readonly privateKey: KeyObject;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  readonly comment: string;
}

export type SshKeyProblem = "unreadable" | "malformed" | "encrypted" | "unsupported" | "exists" | "misplaced";

/** Why a key file cannot be used; the message names the file and the problem, never key bytes. */
export class SshKeyError extends ConfigError {
  override name = "SshKeyError";
  constructor(readonly problem: SshKeyProblem, message: string) {
    super(message);
  }
}

/** A name read from a file, safe to echo in a message (else a placeholder). */
function shown(name: string): string {
  return /^[A-Za-z0-9@._+-]{1,64}$/.test(name) ? name : "(unprintable)";
}

/** The SSH public key blob: string "ssh-ed25519", string key. */
export function publicKeyBlob(publicKey: Uint8Array): Uint8Array {
  return new SshWriter().string(KEY_TYPE).string(publicKey).bytes();
}

/** A well-formed key of a type tickproof does not sign with (RSA, ECDSA, security keys...). */
class OtherKeyType extends WireError {}

/** The raw key from a public key blob; throws WireError for other types or bad lengths. */
export function parsePublicKeyBlob(blob: Uint8Array): Uint8Array {
  const r = new SshReader(blob);
  const type = r.text();
  if (type !== KEY_TYPE) throw new OtherKeyType(`key type ${shown(type)} is not ${KEY_TYPE}`);
  const key = r.string();
  if (key.length !== 32 || r.remaining !== 0) throw new WireError("bad ed25519 public key length");
  return key;
}

/** `ssh-ed25519 AAAA... comment`, the format of a `.pub` file and of authorized keys. */
export function publicKeyLine(publicKey: Uint8Array, comment = ""): string {
  const line = `${KEY_TYPE} ${publicKeyBlob(publicKey).toBase64()}`;
  return comment ? `${line} ${comment}` : line;
}

/** The raw key from a `ssh-ed25519 AAAA... [comment]` line. */
export function parsePublicKeyLine(line: string): Uint8Array {
  const [type, b64] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || !b64) throw new SshKeyError("unsupported", `not an ${KEY_TYPE} public key line`);
  try {
    return parsePublicKeyBlob(Uint8Array.fromBase64(b64));
  } catch {
    throw new SshKeyError("malformed", "the public key line does not hold a valid ed25519 key");
  }
}

function b64url(b: Uint8Array): string {
  return b.toBase64({ alphabet: "base64url", omitPadding: true });
}

function keyFromSeed(seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", d: b64url(seed), x: b64url(publicKey) },
    format: "jwk",
  });
}

function rawPublicOf(privateKey: KeyObject): Uint8Array {
  const x = createPublicKey(privateKey).export({ format: "jwk" }).x;
  return Uint8Array.fromBase64(x ?? "", { alphabet: "base64url" });
}

/** A fresh random Ed25519 key pair. */
export function generateKey(comment: string): Ed25519Key {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey: rawPublicOf(privateKey), comment };
}

/**
 * Parses the text of an unencrypted OpenSSH ed25519 private key; `source` names it in errors.
 * Refuses encrypted keys, other key types, files with several keys and anything inconsistent.
 */
export function parsePrivateKey(text: string, source = "key"): Ed25519Key {
  const bad = (why: string) =>
    new SshKeyError("malformed", `${source}: not a valid OpenSSH private key (${why})`);
  try {
    const r = new SshReader(dearmor(PRIVATE_LABEL, text));
    if (new TextDecoder().decode(r.bytes(MAGIC.length)) !== MAGIC) throw bad("no openssh-key-v1 magic");
    const cipher = r.text(), kdf = r.text();
    r.string(); // kdf options
    if (cipher !== "none" || kdf !== "none") {
      throw new SshKeyError(
        "encrypted",
        `${source}: the private key is encrypted (cipher ${shown(cipher)}); tickproof signs unattended, ` +
          `so it needs an unencrypted key (make one with ./tp evidence keygen, or ssh-keygen -N "")`,
      );
    }
    if (r.u32() !== 1) throw bad("expected exactly one key");
    const publicKey = parsePublicKeyBlob(r.string());
    const priv = new SshReader(r.string());
    if (r.remaining !== 0) throw bad("trailing bytes");
    if (priv.remaining % BLOCK !== 0) throw bad("private section not padded to the block size");
    if (priv.u32() !== priv.u32()) throw bad("check integers differ");
    const type = priv.text();
    if (type !== KEY_TYPE) {
      throw new SshKeyError(
        "unsupported",
        `${source}: key type ${shown(type)} is not ${KEY_TYPE}, the only type tickproof signs with`,
      );
    }
    const pub = priv.string(), secret = priv.string();
    const comment = priv.text();
    const pad = priv.rest();
    if (pad.length >= BLOCK || pad.some((b, i) => b !== i + 1)) throw bad("bad padding");
    if (secret.length !== 64) throw bad("bad ed25519 private key length");
    if (!bytesEqual(pub, publicKey) || !bytesEqual(secret.subarray(32), publicKey)) {
      throw bad("public key copies differ");
    }
    const privateKey = keyFromSeed(secret.subarray(0, 32), publicKey);
    if (!bytesEqual(rawPublicOf(privateKey), publicKey)) {
      throw bad("private key does not match its public key");
    }
    return { privateKey, publicKey, comment };
  } catch (err) {
    if (err instanceof SshKeyError) throw err;
    if (err instanceof WireError) {
      if (err instanceof OtherKeyType) {
        throw new SshKeyError("unsupported", `${source}: ${err.message}, the only type tickproof signs with`);
      }
      throw bad(err.message);
    }
    throw err;
  }
}

/** The openssh-key-v1 text of a key, unencrypted, as `ssh-keygen -N ""` writes it. */
export function privateKeyText(key: Ed25519Key): string {
  const d = key.privateKey.export({ format: "jwk" }).d ?? "";
  const secret = new SshWriter().raw(Uint8Array.fromBase64(d, { alphabet: "base64url" })).raw(key.publicKey)
    .bytes();
  const check = crypto.getRandomValues(new Uint32Array(1))[0];
  const priv = new SshWriter().u32(check).u32(check)
    .string(KEY_TYPE).string(key.publicKey).string(secret).string(key.comment);
  let len = priv.bytes().length;
  for (let i = 1; len % BLOCK !== 0; i++, len++) priv.raw(new Uint8Array([i]));
  const blob = new SshWriter().raw(MAGIC).string("none").string("none").string("").u32(1)
    .string(publicKeyBlob(key.publicKey)).string(priv.bytes()).bytes();
  secret.fill(0);
  return armor(PRIVATE_LABEL, blob);
}

/** Reads and parses a private key file; a missing or unreadable file is an SshKeyError too. */
export async function readPrivateKeyFile(path: string): Promise<Ed25519Key> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : (err as Error).name;
    throw new SshKeyError("unreadable", `${path}: cannot read the signing key (${why})`);
  }
  const key = parsePrivateKey(text, path);
  // As ssh-keygen does: a private key others can read is not a secret any more.
  const mode = (await Deno.stat(path)).mode;
  if (mode !== null && (mode & 0o077) !== 0) {
    throw new SshKeyError(
      "unreadable",
      `${path}: the signing key is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return key;
}

/**
 * Writes `path` (the private key, mode 0600 from creation) and `path.pub`, each atomically.
 * Refuses to replace an existing private key: a key is generated once.
 */
export async function writeKeyPair(path: string, key: Ed25519Key): Promise<void> {
  const exists = await Deno.lstat(path).then(() => true, () => false);
  if (exists) throw new SshKeyError("exists", `${path}: already exists; not replacing a signing key`);
  await writeFileAtomic(path, privateKeyText(key), { mode: 0o600 });
  await writeFileAtomic(`${path}.pub`, publicKeyLine(key.publicKey, key.comment) + "\n", { mode: 0o644 });
}
