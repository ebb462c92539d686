import assert from "node:assert/strict";
import { join } from "node:path";
import { ATTESTATION_NAME, testResultStatement } from "../evidence/intoto.ts";
import { sha256File } from "../evidence/sha256.ts";
import { checkAttestation } from "./attestation.ts";

Deno.test("attestation: none is no row; a valid statement agrees; a changed subject or a broken statement is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await checkAttestation(dir), []);
    await Deno.mkdir(join(dir, "prom"));
    await Deno.writeTextFile(join(dir, "prom/up.json"), "{}");
    await Deno.writeTextFile(join(dir, "summary.json"), '{"verdict":"PASS"}');
    const files = new Map<string, string>();
    for (const f of ["prom/up.json", "summary.json"]) {
      files.set(f, (await sha256File(join(dir, f))).sha256);
    }
    const statement = testResultStatement({
      files,
      gates: [{ key: "up", promql: "up", want: "=1", status: "PASS", value: 1, detail: "" }],
      command: "./tp ops-verify",
      config: new Map(),
    });
    await Deno.writeTextFile(join(dir, ATTESTATION_NAME), JSON.stringify(statement));
    assert.deepEqual((await checkAttestation(dir)).map((r) => [r.check, r.verdict]), [[
      "attestation",
      "AGREE",
    ]]);

    await Deno.writeTextFile(join(dir, "prom/up.json"), '{"changed":1}');
    await Deno.remove(join(dir, "summary.json"));
    assert.deepEqual((await checkAttestation(dir)).map((r) => r.note), [
      "prom/up.json: attested digest differs",
      "summary.json: an attested subject is missing",
    ]);
    await Deno.writeTextFile(join(dir, ATTESTATION_NAME), JSON.stringify({ ...statement, _type: "x" }));
    assert.match((await checkAttestation(dir))[0].note, /_type is not https:\/\/in-toto.io\/Statement\/v1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
