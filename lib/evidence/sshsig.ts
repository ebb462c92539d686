// Detached signatures in OpenSSH's SSHSIG format (PROTOCOL.sshsig), so anyone can check a signed
// manifest with the stock `ssh-keygen -Y verify`, no tickproof needed. Ed25519 keys only.
import { createHash, createPublicKey, sign, verify } from "node:crypto";
import { type Ed25519Key, KEY_TYPE, parsePublicKeyBlob, publicKeyBlob, publicKeyLine } from "./ssh_key.ts";
import { armor, bytesEqual, dearmor, SshReader, SshWriter, WireError } from "./ssh_key_wire.ts";

/** The namespace every evidence signature is made in; a verifier must name the same one. */
export const EVIDENCE_NAMESPACE = "tickproof-evidence";

const LABEL = "SSH SIGNATURE";
const MAGIC = "SSHSIG";
const VERSION = 1;
const HASH = "sha512"; // what ssh-keygen uses by default; verify also accepts sha256

export type SshsigCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The bytes actually signed: magic, namespace, reserved, hash name and the message's hash. */
function signedData(message: Uint8Array, namespace: string, hash: string): Uint8Array {
  const digest = new Uint8Array(createHash(hash).update(message).digest());
  return new SshWriter().raw(MAGIC).string(namespace).string("").string(hash).string(digest).bytes();
}

function checkNamespace(namespace: string): void {
  if (namespace === "") throw new Error("an SSHSIG namespace must not be empty");
}

/** Signs `message` in `namespace`; returns the armored `-----BEGIN SSH SIGNATURE-----` text. */
export function signSshsig(message: Uint8Array, key: Ed25519Key, namespace = EVIDENCE_NAMESPACE): string {
  checkNamespace(namespace);
  const sig = new Uint8Array(sign(null, signedData(message, namespace, HASH), key.privateKey));
  const sigBlob = new SshWriter().string(KEY_TYPE).string(sig).bytes();
  const blob = new SshWriter().raw(MAGIC).u32(VERSION).string(publicKeyBlob(key.publicKey))
    .string(namespace).string("").string(HASH).string(sigBlob).bytes();
  return armor(LABEL, blob);
}

interface Parsed {
  readonly publicKey: Uint8Array;
  readonly namespace: string;
  readonly hash: string;
  readonly signature: Uint8Array;
}

function parse(armored: string): Parsed {
  const r = new SshReader(dearmor(LABEL, armored));
  if (new TextDecoder().decode(r.bytes(MAGIC.length)) !== MAGIC) throw new WireError("no SSHSIG magic");
  const version = r.u32();
  if (version !== VERSION) throw new WireError(`unsupported SSHSIG version ${version}`);
  const publicKey = parsePublicKeyBlob(r.string());
  const namespace = r.text();
  r.string(); // reserved: ignored, as the format asks
  const hash = r.text();
  const sig = new SshReader(r.string());
  if (r.remaining !== 0) throw new WireError("trailing bytes after the signature");
  const type = sig.text();
  if (type !== KEY_TYPE) throw new WireError(`signature type is not ${KEY_TYPE}`);
  const signature = sig.string();
  if (signature.length !== 64 || sig.remaining !== 0) throw new WireError("bad ed25519 signature length");
  return { publicKey, namespace, hash, signature };
}

/**
 * Checks an armored SSHSIG signature over `message`: made by `allowedPublicKey` (raw 32 bytes),
 * in `namespace`, and valid. The reason says which of these failed.
 */
export function verifySshsig(
  message: Uint8Array,
  armored: string,
  allowedPublicKey: Uint8Array,
  namespace = EVIDENCE_NAMESPACE,
): SshsigCheck {
  checkNamespace(namespace);
  let p: Parsed;
  try {
    p = parse(armored);
  } catch (err) {
    if (err instanceof WireError) return { ok: false, reason: `not a valid SSH signature: ${err.message}` };
    throw err;
  }
  if (!bytesEqual(p.publicKey, allowedPublicKey)) {
    return { ok: false, reason: "signed by a key that is not the allowed signer" };
  }
  if (p.namespace !== namespace) {
    return { ok: false, reason: `signature namespace is not ${JSON.stringify(namespace)}` };
  }
  if (p.hash !== "sha512" && p.hash !== "sha256") {
    return { ok: false, reason: "unsupported hash algorithm in the signature" };
  }
  const pub = createPublicKey({
    key: {
      kty: "OKP",
      crv: "Ed25519",
      x: p.publicKey.toBase64({ alphabet: "base64url", omitPadding: true }),
    },
    format: "jwk",
  });
  if (!verify(null, signedData(message, namespace, p.hash), pub, p.signature)) {
    return { ok: false, reason: "signature does not match the message" };
  }
  return { ok: true };
}

/**
 * A line of an `allowed_signers` file (ssh-keygen(1) ALLOWED SIGNERS) for `identity`, limited to
 * `namespace`: `identity namespaces="ns" ssh-ed25519 AAAA...`. Pass `-I identity` to ssh-keygen.
 */
export function allowedSignersLine(
  identity: string,
  publicKey: Uint8Array,
  namespace = EVIDENCE_NAMESPACE,
): string {
  // The identity is a principal pattern list: no blanks, quotes or commas; a leading # is a comment.
  if (!/^[^\s",#][^\s",]*$/.test(identity)) {
    throw new Error(`identity ${JSON.stringify(identity)} is not usable`);
  }
  if (!/^[^\s"]+$/.test(namespace)) throw new Error(`namespace ${JSON.stringify(namespace)} is not usable`);
  return `${identity} namespaces="${namespace}" ${publicKeyLine(publicKey)}`;
}
