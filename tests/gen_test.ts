// task gen: the committed generated files are what their generators make now (the check every run
// of the suite does), and the check can fail: a missing or edited file is named, exit 1.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../testing/script_proc.ts";

const FILES = [
  "ops/compose/prometheus/prometheus.yml",
  "config/prometheus/rules_demo/ai_live.yml",
  "config/prometheus/rules_demo/live_loop.yml",
  "config/prometheus/rules_demo/livefeed.yml",
];

Deno.test("./tp gen --check: every committed generated file is up to date", async () => {
  const r = await runScript("scripts/gen.ts", ["--check"]);
  assert.equal(r.code, 0, `${r.stderr}(run ./tp gen and commit the result)`);
  assert.equal(r.stderr, `gen: ${FILES.length} of ${FILES.length} files were up to date\n`);
});

Deno.test("./tp gen writes what is missing; --check names an edited file and exits 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_gen_" });
  try {
    const at = (f: string) => join(dir, f);
    const missing = await runScript("scripts/gen.ts", ["--check", "--out-dir", dir]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, FILES.map((f) => `gen: ${at(f)} is stale: run ./tp gen\n`).join(""));

    const wrote = await runScript("scripts/gen.ts", ["--out-dir", dir]);
    assert.equal(wrote.code, 0, wrote.stderr);
    assert.equal(
      wrote.stderr,
      FILES.map((f) => `gen: wrote ${at(f)}\n`).join("") +
        `gen: 0 of ${FILES.length} files were up to date\n`,
    );
    for (const f of FILES) assert.equal(await Deno.readTextFile(at(f)), await Deno.readTextFile(f), f);

    await Deno.writeTextFile(at(FILES[1]), "# edited by hand\n", { append: true });
    const edited = await runScript("scripts/gen.ts", ["--check", "--out-dir", dir]);
    assert.equal(edited.code, 1);
    assert.equal(edited.stderr, `gen: ${at(FILES[1])} is stale: run ./tp gen\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
