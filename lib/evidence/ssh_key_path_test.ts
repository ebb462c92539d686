import assert from "node:assert/strict";
import { join } from "node:path";
import { generateKey, SshKeyError, writeKeyPair } from "./ssh_key.ts";
import {
  defaultSigningKeyPath,
  isInside,
  loadSigningKey,
  SIGNING_KEY_ENV,
  signingKeyChoice,
} from "./ssh_key_path.ts";
import { inTempDir } from "../../testing/ssh_keygen.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("signing key path: the env wins; else XDG_CONFIG_HOME, else ~/.config; none without a home", () => {
  assert.equal(signingKeyChoice(envOf({ [SIGNING_KEY_ENV]: "/k/ed", HOME: "/h" }))?.from, "env");
  assert.deepEqual(signingKeyChoice(envOf({ HOME: "/h" })), {
    path: "/h/.config/tickproof/evidence_ed25519",
    from: "default",
  });
  assert.equal(
    defaultSigningKeyPath(envOf({ XDG_CONFIG_HOME: "/x", HOME: "/h" })),
    "/x/tickproof/evidence_ed25519",
  );
  assert.equal(signingKeyChoice(envOf({})), null);
});

Deno.test("isInside: the folder itself and anything under it, not siblings with a shared prefix", () => {
  assert.ok(isInside(".local_tmp/verify_1/k", ".local_tmp"));
  assert.ok(isInside(".local_tmp", "./.local_tmp/"));
  assert.ok(!isInside(".local_tmp_keys/k", ".local_tmp"));
  assert.ok(!isInside("/etc/k", ".local_tmp"));
});

Deno.test("loadSigningKey: unsigned without a key; a configured key must load; never from the evidence root", async () => {
  await inTempDir(async (dir) => {
    const root = join(dir, "evidence");
    const home = join(dir, "home");
    // Nothing configured and no default file: unsigned, not an error.
    assert.equal(await loadSigningKey(envOf({ HOME: home }), root), null);
    // The default file, once keygen wrote it, is used.
    const key = generateKey("tp");
    await writeKeyPair(defaultSigningKeyPath(envOf({ HOME: home }))!, key);
    assert.deepEqual((await loadSigningKey(envOf({ HOME: home }), root))?.publicKey, key.publicKey);
    // A configured path that is missing is an error, never a silent fallback to unsigned.
    const missing = envOf({ [SIGNING_KEY_ENV]: join(dir, "nope"), HOME: home });
    await assert.rejects(
      loadSigningKey(missing, root),
      (e) => e instanceof SshKeyError && e.problem === "unreadable",
    );
    const inside = join(root, "verify_x", "key");
    await writeKeyPair(inside, generateKey("bad"));
    await assert.rejects(
      loadSigningKey(envOf({ [SIGNING_KEY_ENV]: inside }), root),
      (e) =>
        e instanceof SshKeyError && e.problem === "misplaced" && /inside the evidence root/.test(e.message),
    );
    // A link from outside pointing into the evidence root is caught as well.
    const link = join(dir, "link_key");
    await Deno.symlink(inside, link);
    await assert.rejects(
      loadSigningKey(envOf({ [SIGNING_KEY_ENV]: link }), root),
      (e) => e instanceof SshKeyError && e.problem === "misplaced",
    );
    // A key others can read is refused, as ssh-keygen refuses it.
    const open = join(dir, "open_key");
    await writeKeyPair(open, generateKey("open"));
    await Deno.chmod(open, 0o644);
    await assert.rejects(
      loadSigningKey(envOf({ [SIGNING_KEY_ENV]: open }), root),
      (e) => e instanceof SshKeyError && /readable by others \(mode 644\); chmod 600 it/.test(e.message),
    );
    // The key itself pasted into the variable: refused, never echoed.
    const pasted = envOf({ [SIGNING_KEY_ENV]: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n" });
    await assert.rejects(
      loadSigningKey(pasted, root),
      (e) => e instanceof SshKeyError && !String((e as Error).message).includes("AAAA"),
    );
  });
});
