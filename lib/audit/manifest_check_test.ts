import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "../evidence/folder.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { checkManifestStrict, parseManifestLine } from "./manifest_check.ts";

const HEX = "a".repeat(64);

Deno.test("manifest lines: the forms sha256sum -c reads, nothing else", () => {
  assert.deepEqual(parseManifestLine(`${HEX}  prom/up.json`), { hex: HEX, path: "prom/up.json" });
  assert.deepEqual(parseManifestLine(`${HEX} *bin.dat`), { hex: HEX, path: "bin.dat" });
  assert.deepEqual(parseManifestLine(`SHA256 (x.txt) = ${HEX.toUpperCase()}`), { hex: HEX, path: "x.txt" });
  assert.equal(parseManifestLine(`${HEX} x.txt`), null);
  assert.equal(parseManifestLine(`${HEX.slice(1)}  x.txt`), null);
  assert.equal(parseManifestLine(""), null);
});

async function folder(fn: (dir: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("oncall", { root, now: () => 0 });
    await ev.write("a.txt", "alpha\n");
    await ev.write("prom/b.json", "{}");
    await fn(await ev.finalize());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const notes = async (dir: string) =>
  (await checkManifestStrict(dir)).filter((r) => r.verdict === "DISAGREE").map((r) => r.note);

Deno.test("strict manifest: intact; the signature beside it is not an extra file", () =>
  folder(async (dir) => {
    await Deno.writeTextFile(join(dir, `${MANIFEST_NAME}.sig`), "sig");
    const rows = await checkManifestStrict(dir);
    assert.deepEqual(rows.map((r) => [r.check, r.stored, r.verdict]), [["manifest", "2 files", "AGREE"]]);
  }));

Deno.test("strict manifest: bad line, outside path, twice listed, changed, missing, extra and a symlink", () =>
  folder(async (dir) => {
    const text = await Deno.readTextFile(join(dir, MANIFEST_NAME));
    const first = text.split("\n")[0];
    await Deno.writeTextFile(
      join(dir, MANIFEST_NAME),
      `${text}not a line\n${HEX}  ../escape\n${first}\n${HEX}  gone.txt\n`,
    );
    await Deno.writeTextFile(join(dir, "a.txt"), "changed\n");
    await Deno.writeTextFile(join(dir, "extra.txt"), "x");
    await Deno.symlink("/etc/hostname", join(dir, "link"));
    assert.deepEqual(await notes(dir), [
      "a.txt: checksum differs (FAILED)",
      "MANIFEST_SHA256.txt line 3: improperly formatted",
      "MANIFEST_SHA256.txt line 4: improperly formatted",
      "a.txt: listed twice in the manifest",
      "a.txt: checksum differs (FAILED)",
      "gone.txt: listed in the manifest but missing",
      "extra.txt: not in the manifest",
      "link: not in the manifest",
    ]);
  }));

Deno.test("strict manifest: no manifest at all is one clear row", () =>
  folder(async (dir) => {
    await Deno.remove(join(dir, MANIFEST_NAME));
    assert.deepEqual(await notes(dir), ["MANIFEST_SHA256.txt missing: nothing can be checked"]);
  }));
