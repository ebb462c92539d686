import assert from "node:assert/strict";
import { join } from "node:path";
import { renderGauges, textfileDir, writeTextfile } from "./textfile.ts";

Deno.test("textfile: gauges rendered once per name with labels, written atomically under the collector's dir", async () => {
  assert.equal(textfileDir(() => undefined), "data/textfile/");
  assert.equal(textfileDir(() => ""), "data/textfile/");
  assert.equal(textfileDir((n) => n === "TICKPROOF_TEXTFILE_DIR" ? "/x" : undefined), "/x");
  const text = await renderGauges([
    { name: "t_a", help: "A.", labels: { k: "1" }, value: 0.5 },
    { name: "t_a", help: "A.", labels: { k: "2" }, value: 2 },
    { name: "t_b", help: "B.", value: 1_700_000_000 },
  ]);
  assert.equal(
    text,
    '# HELP t_a A.\n# TYPE t_a gauge\nt_a{k="1"} 0.5\nt_a{k="2"} 2\n\n' +
      "# HELP t_b B.\n# TYPE t_b gauge\nt_b 1700000000\n",
  );
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeTextfile(join(dir, "sub"), "x.prom", [{ name: "t_b", help: "B.", value: 3 }]);
    assert.equal(path, join(dir, "sub", "x.prom"));
    assert.equal(await Deno.readTextFile(path), "# HELP t_b B.\n# TYPE t_b gauge\nt_b 3\n");
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["x.prom"]);
    await assert.rejects(() => writeTextfile(dir, "x.txt", []), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
