// What signing adds to a proof (budget: well under 50 ms): load the key file, sign a few-KB
// manifest, write the .sig. Run: tools/deno/node_modules/.bin/deno bench -A bench/sshsig_bench.ts
import { join } from "node:path";
import { generateKey, readPrivateKeyFile, writeKeyPair } from "../lib/evidence/ssh_key.ts";
import { signSshsig } from "../lib/evidence/sshsig.ts";

const dir = await Deno.makeTempDir({ prefix: "tp_sshsig_bench_" });
const keyPath = join(dir, "key");
await writeKeyPair(keyPath, generateKey("bench"));
// A typical manifest: 40 files, one sha256sum line each (about 3.5 KB).
const manifest = Array.from({ length: 40 }, (_, i) => `${"ab".repeat(32)}  prom/query_${i}.json\n`).join("");
const bytes = new TextEncoder().encode(manifest);

// First call in a fresh process, as a proof pays it once (includes node:crypto setup).
const t0 = performance.now();
await Deno.writeTextFile(
  join(dir, "MANIFEST_SHA256.txt.sig"),
  signSshsig(bytes, await readPrivateKeyFile(keyPath)),
);
console.log(
  `first sign in this process: ${(performance.now() - t0).toFixed(2)} ms for ${bytes.length} bytes`,
);

Deno.bench("read key + sign a 3.5 KB manifest + write the .sig", async () => {
  const key = await readPrivateKeyFile(keyPath);
  await Deno.writeTextFile(join(dir, "MANIFEST_SHA256.txt.sig"), signSshsig(bytes, key));
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
