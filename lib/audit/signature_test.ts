import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "../evidence/folder.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { generateKey, publicKeyLine, writeKeyPair } from "../evidence/ssh_key.ts";
import { allowedSignersLine, signSshsig } from "../evidence/sshsig.ts";
import { checkSignature, loadAllowedKeys, parseAllowedSigners } from "./signature.ts";

const a = generateKey("a"), b = generateKey("b");

Deno.test("allowed_signers: ed25519 keys whose namespaces admit evidence; comments and others skipped", () => {
  const text = [
    "# a comment",
    allowedSignersLine("ops@example", a.publicKey),
    `other namespaces="git" ${publicKeyLine(b.publicKey)}`,
    `anyone ${publicKeyLine(b.publicKey)} trailing comment`,
    "broken ssh-ed25519 AAAA",
    "",
  ].join("\n");
  assert.deepEqual(parseAllowedSigners(text), [a.publicKey, b.publicKey]);
});

Deno.test("signature rows: unsigned, no allowed key, valid, wrong key, unsigned but a key was named", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("oncall", { root, now: () => 0 });
    await ev.write("x.txt", "x");
    const dir = await ev.finalize();
    const env = (n: string) => ({ XDG_CONFIG_HOME: join(root, "cfg") } as Record<string, string>)[n];
    assert.equal(await loadAllowedKeys({ env }), null, "no default key yet");
    const say = async (allowed: Parameters<typeof checkSignature>[1]) =>
      (await checkSignature(dir, allowed)).map((r) => `${r.verdict} ${r.recomputed} ${r.note}`.trim());
    assert.deepEqual(await say(null), ["SKIP - no MANIFEST_SHA256.txt.sig"]);
    const explicit = { source: "--pubkey a.pub", keys: [a.publicKey], explicit: true };
    assert.deepEqual(await say(explicit), [
      "DISAGREE - no MANIFEST_SHA256.txt.sig, but --pubkey a.pub was given",
    ]);

    await Deno.writeTextFile(
      join(dir, `${MANIFEST_NAME}.sig`),
      signSshsig(await Deno.readFile(join(dir, MANIFEST_NAME)), a),
    );
    assert.match((await say(null))[0], /^DISAGREE no allowed key .*--pubkey FILE or --allowed-signers FILE$/);
    assert.deepEqual(await say(explicit), ["AGREE valid"]);
    assert.match((await say({ ...explicit, keys: [b.publicKey] }))[0], /not the allowed signer/);

    // The default: the .pub beside the configured key (here XDG_CONFIG_HOME/tickproof/evidence_ed25519).
    await Deno.mkdir(join(root, "cfg", "tickproof"), { recursive: true });
    await writeKeyPair(join(root, "cfg", "tickproof", "evidence_ed25519"), a);
    const def = await loadAllowedKeys({ env });
    assert.equal(def?.explicit, false);
    assert.deepEqual(await say(def), ["AGREE valid"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
