import assert from "node:assert/strict";
import { join } from "node:path";
import { generateKey, parsePublicKeyLine, readPrivateKeyFile } from "./ssh_key.ts";
import { allowedSignersLine, EVIDENCE_NAMESPACE, signSshsig, verifySshsig } from "./sshsig.ts";
import { inTempDir, keygenKey, sshKeygen } from "../../testing/ssh_keygen.ts";

const enc = new TextEncoder();
const MANIFEST = "0f".repeat(32) + "  run.json\n" + "a1".repeat(32) + "  prom/q.json\n";

/** `ssh-keygen -Y verify` the way the README tells a third party to, message on stdin. */
async function keygenVerify(
  dir: string,
  signers: string,
  sig: string,
  message: string,
  identity = "tickproof",
) {
  await Deno.writeTextFile(join(dir, "allowed_signers"), signers + "\n");
  await Deno.writeTextFile(join(dir, "MANIFEST_SHA256.txt.sig"), sig);
  const args = ["-Y", "verify", "-f", "allowed_signers", "-I", identity, "-n", EVIDENCE_NAMESPACE];
  return await sshKeygen(dir, [...args, "-s", "MANIFEST_SHA256.txt.sig"], message);
}

Deno.test("sshsig: round trip; a changed message, another namespace or another key is refused with a reason", () => {
  const key = generateKey("tp"), other = generateKey("other");
  const msg = enc.encode(MANIFEST);
  const sig = signSshsig(msg, key);
  assert.match(
    sig,
    /^-----BEGIN SSH SIGNATURE-----\n(?:[A-Za-z0-9+/=]{1,70}\n)+-----END SSH SIGNATURE-----\n$/,
  );
  assert.deepEqual(verifySshsig(msg, sig, key.publicKey), { ok: true });
  assert.deepEqual(verifySshsig(enc.encode(MANIFEST + " "), sig, key.publicKey), {
    ok: false,
    reason: "signature does not match the message",
  });
  assert.deepEqual(verifySshsig(msg, sig, key.publicKey, "file"), {
    ok: false,
    reason: 'signature namespace is not "file"',
  });
  assert.deepEqual(verifySshsig(msg, sig, other.publicKey), {
    ok: false,
    reason: "signed by a key that is not the allowed signer",
  });
  const garbled = verifySshsig(msg, sig.replace("-----END", "AAAA\n-----END"), key.publicKey);
  assert.equal(garbled.ok, false);
  assert.deepEqual(verifySshsig(msg, "hello", key.publicKey), {
    ok: false,
    reason: "not a valid SSH signature: does not start with -----BEGIN SSH SIGNATURE-----",
  });
  assert.throws(() => signSshsig(msg, key, ""), /must not be empty/);
});

Deno.test("sshsig: the real ssh-keygen -Y verify accepts our signature and rejects it over a changed manifest", async () => {
  await inTempDir(async (dir) => {
    const key = generateKey("tp");
    const signers = allowedSignersLine("tickproof", key.publicKey);
    const sig = signSshsig(enc.encode(MANIFEST), key);
    const good = await keygenVerify(dir, signers, sig, MANIFEST);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^Good "tickproof-evidence" signature for tickproof with ED25519 key SHA256:/);
    const changed = await keygenVerify(dir, signers, sig, MANIFEST.replace("0f", "1f"));
    assert.notEqual(changed.code, 0);
    assert.doesNotMatch(changed.stdout, /Good/);
    // The allowed_signers line limits the key to the evidence namespace.
    const other = await sshKeygen(dir, [
      ...["-Y", "verify", "-f", "allowed_signers", "-I", "tickproof", "-n", "file"],
      ...["-s", "MANIFEST_SHA256.txt.sig"],
    ], MANIFEST);
    assert.notEqual(other.code, 0);
  });
});

Deno.test("sshsig: a key made by ssh-keygen signs here and ssh-keygen verifies it", async () => {
  await inTempDir(async (dir) => {
    await keygenKey(dir, "k");
    const key = await readPrivateKeyFile(join(dir, "k"));
    const pub = parsePublicKeyLine(await Deno.readTextFile(join(dir, "k.pub")));
    const sig = signSshsig(enc.encode(MANIFEST), key);
    const r = await keygenVerify(dir, allowedSignersLine("ops@desk", pub), sig, MANIFEST, "ops@desk");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Good "tickproof-evidence" signature for ops@desk/);
  });
});

Deno.test("sshsig: ssh-keygen -Y sign output verifies here (not over a changed file) and equals ours byte for byte", async () => {
  await inTempDir(async (dir) => {
    await keygenKey(dir, "k");
    await Deno.writeTextFile(join(dir, "MANIFEST_SHA256.txt"), MANIFEST);
    const r = await sshKeygen(dir, [
      "-Y",
      "sign",
      "-n",
      EVIDENCE_NAMESPACE,
      "-f",
      "k",
      "MANIFEST_SHA256.txt",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const sig = await Deno.readTextFile(join(dir, "MANIFEST_SHA256.txt.sig"));
    const pub = parsePublicKeyLine(await Deno.readTextFile(join(dir, "k.pub")));
    assert.deepEqual(verifySshsig(enc.encode(MANIFEST), sig, pub), { ok: true });
    assert.equal(verifySshsig(enc.encode(MANIFEST + "x"), sig, pub).ok, false);
    assert.equal(verifySshsig(enc.encode(MANIFEST), sig, pub, "git").ok, false);
    // Ed25519 is deterministic: same key, message and namespace give ssh-keygen's exact bytes.
    const key = await readPrivateKeyFile(join(dir, "k"));
    assert.equal(signSshsig(enc.encode(MANIFEST), key), sig);
  });
});

Deno.test("allowedSignersLine: identity and namespace are checked so the line parses as one signer", () => {
  const key = generateKey("");
  assert.match(
    allowedSignersLine("tickproof", key.publicKey),
    /^tickproof namespaces="tickproof-evidence" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=*$/,
  );
  for (const bad of ["", "two words", "a,b", "#x", 'q"']) {
    assert.throws(() => allowedSignersLine(bad, key.publicKey), /is not usable/);
  }
});
