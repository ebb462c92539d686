// Re-seal a changed evidence folder as anyone with write access to an unsigned one can: refresh the
// attestation's subject digests (dropping files now gone) and rebuild the manifest. Tests use it to
// prove `evidence check` catches a tamper by recomputing, not by the seal alone.
import { join } from "node:path";
import { ATTESTATION_NAME } from "../lib/evidence/intoto.ts";
import { buildManifest, MANIFEST_NAME } from "../lib/evidence/manifest.ts";
import { sha256Hex } from "../lib/evidence/sha256.ts";

export async function resealFolder(dir: string): Promise<void> {
  const att = await Deno.readTextFile(join(dir, ATTESTATION_NAME)).catch(() => null);
  if (att !== null) {
    const st = JSON.parse(att);
    const kept = [];
    for (const s of st.subject ?? []) {
      const bytes = await Deno.readFile(join(dir, s.name)).catch(() => null);
      if (bytes !== null) kept.push({ ...s, digest: { sha256: await sha256Hex(bytes) } });
    }
    st.subject = kept;
    await Deno.writeTextFile(join(dir, ATTESTATION_NAME), JSON.stringify(st, null, 2) + "\n");
  }
  await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
}
