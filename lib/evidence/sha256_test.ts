import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File, sha256Hex } from "./sha256.ts";

// FIPS 180-2 appendix B test vectors.
const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Deno.test("sha256Hex: text as UTF-8 and bytes hash alike; the standard vectors", () => {
  assert.equal(sha256Hex("abc"), ABC);
  assert.equal(sha256Hex(new TextEncoder().encode("abc")), ABC);
  assert.equal(sha256Hex(""), EMPTY);
});

Deno.test("sha256File: a file over several chunks hashes as its whole bytes; its size; an empty file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sha256_test_" });
  try {
    const bytes = new Uint8Array((1 << 20) * 2 + 5).map((_, i) => (i * 7) & 0xff);
    await Deno.writeFile(join(dir, "big"), bytes);
    assert.deepEqual(await sha256File(join(dir, "big")), { sha256: sha256Hex(bytes), size: bytes.length });
    await Deno.writeFile(join(dir, "empty"), new Uint8Array());
    assert.deepEqual(await sha256File(join(dir, "empty")), { sha256: EMPTY, size: 0 });
    await assert.rejects(sha256File(join(dir, "nope")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
