import assert from "node:assert/strict";
import { join } from "node:path";
import {
  generateKey,
  parsePrivateKey,
  parsePublicKeyLine,
  privateKeyText,
  publicKeyLine,
  readPrivateKeyFile,
  SshKeyError,
  type SshKeyProblem,
  writeKeyPair,
} from "./ssh_key.ts";
import { EVIDENCE_NAMESPACE, verifySshsig } from "./sshsig.ts";
import { inTempDir, keygenKey, sshKeygen } from "../../testing/ssh_keygen.ts";

/** Asserts an SshKeyError of `problem` whose message matches and holds no key material. */
async function refused(p: Promise<unknown> | (() => unknown), problem: SshKeyProblem, message: RegExp) {
  const check = (err: unknown) => {
    assert.ok(err instanceof SshKeyError, `expected SshKeyError, got ${err}`);
    assert.equal(err.problem, problem);
    assert.match(err.message, message);
    // Messages are "<file>: <problem>"; the problem part must hold no base64 run.
    const problemText = err.message.slice(err.message.indexOf(": ") + 2);
    assert.doesNotMatch(problemText, /[A-Za-z0-9+/]{20,}/, "key bytes in the message");
    return true;
  };
  if (typeof p === "function") assert.throws(p, check);
  else await assert.rejects(p, check);
}

Deno.test("ssh key: generated key round-trips through the private key text; KeyObject prints no key bytes", () => {
  const key = generateKey("tickproof@host");
  const text = privateKeyText(key);
  assert.match(text, /^-----BEGIN OPENSSH PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH/);
  const back = parsePrivateKey(text);
  assert.deepEqual(back.publicKey, key.publicKey);
  assert.equal(back.comment, "tickproof@host");
  assert.deepEqual(parsePublicKeyLine(publicKeyLine(key.publicKey, "c")), key.publicKey);
  assert.doesNotMatch(Deno.inspect(key), /[A-Za-z0-9+/]{24,}/);
});

Deno.test("ssh key: our key pair is written 0600, ssh-keygen -y reads it back, ssh-keygen -Y sign uses it", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "keys", "evidence_ed25519");
    const key = generateKey("tickproof-evidence");
    await writeKeyPair(path, key);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const pubLine = await Deno.readTextFile(`${path}.pub`);
    assert.equal(pubLine, publicKeyLine(key.publicKey, "tickproof-evidence") + "\n");
    const y = await sshKeygen(dir, ["-y", "-f", path]);
    assert.equal(y.code, 0, y.stderr);
    assert.equal(y.stdout.trim().split(" ").slice(0, 2).join(" "), publicKeyLine(key.publicKey));
    // ssh-keygen reads the private section too: it signs with the file and we verify that signature.
    await Deno.writeTextFile(join(dir, "m"), "manifest\n");
    const s = await sshKeygen(dir, ["-Y", "sign", "-n", EVIDENCE_NAMESPACE, "-f", path, "m"]);
    assert.equal(s.code, 0, s.stderr);
    const sig = await Deno.readTextFile(join(dir, "m.sig"));
    assert.deepEqual(verifySshsig(new TextEncoder().encode("manifest\n"), sig, key.publicKey), { ok: true });
    // A key is generated once: a second write is refused and the first key stays.
    await refused(writeKeyPair(path, generateKey("x")), "exists", /already exists/);
    assert.deepEqual((await readPrivateKeyFile(path)).publicKey, key.publicKey);
  });
});

Deno.test("ssh key: a key made by ssh-keygen -t ed25519 -N '' parses to its .pub key and comment", async () => {
  await inTempDir(async (dir) => {
    await keygenKey(dir, "k");
    const key = await readPrivateKeyFile(join(dir, "k"));
    assert.deepEqual(key.publicKey, parsePublicKeyLine(await Deno.readTextFile(join(dir, "k.pub"))));
    assert.equal(key.comment, "k");
  });
});

Deno.test("ssh key: an encrypted key and other key types are refused with a clear error", async () => {
  await inTempDir(async (dir) => {
    await keygenKey(dir, "enc", { pass: "correct horse" });
    await refused(
      readPrivateKeyFile(join(dir, "enc")),
      "encrypted",
      /enc: the private key is encrypted \(cipher aes/,
    );
    await keygenKey(dir, "ec", { type: "ecdsa" });
    await refused(
      readPrivateKeyFile(join(dir, "ec")),
      "unsupported",
      /key type ecdsa-sha2-nistp256.*ssh-ed25519/,
    );
  });
});

Deno.test("ssh key: missing, foreign and damaged files are refused without echoing key bytes", async () => {
  await inTempDir(async (dir) => {
    await refused(
      readPrivateKeyFile(join(dir, "none")),
      "unreadable",
      /none: cannot read the signing key \(no such/,
    );
  });
  const text = privateKeyText(generateKey("c"));
  const lines = text.split("\n");
  await refused(
    () => parsePrivateKey("hello", "f"),
    "malformed",
    /^f: not a valid OpenSSH private key \(does not/,
  );
  await refused(() => parsePrivateKey(text.replace("OPENSSH", "RSA")), "malformed", /does not start/);
  // Cut short: the body loses its last lines.
  const cut = [lines[0], lines[1], lines.at(-2)].join("\n");
  await refused(() => parsePrivateKey(cut), "malformed", /truncated|padded|differ/);
  await refused(
    () => parsePrivateKey(text.replace(lines[1], "!" + lines[1].slice(1))),
    "malformed",
    /not base64/,
  );
  // One flipped byte in the private section breaks a check (check ints, key copies or padding).
  const blob = Uint8Array.fromBase64(lines.slice(1, -2).join(""));
  for (const at of [blob.length - 1, blob.length - 60]) {
    const bad = blob.slice();
    bad[at] ^= 1;
    const armored = `${lines[0]}\n${bad.toBase64()}\n${lines.at(-2)}\n`;
    await refused(() => parsePrivateKey(armored), "malformed", /not a valid OpenSSH private key/);
  }
});
