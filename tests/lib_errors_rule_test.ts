// Lib code says what went wrong with typed errors (lib/util/errors.ts); only the CLI runner in
// lib/cli/ turns them into exit codes. No other lib file names an exit code or the CLI's UsageError.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, sourceFiles } from "../testing/import_graph.ts";

const CLI_ONLY = /\bUsageError\b|\bEXIT\.|\bDeno\.exit\(/;

Deno.test("lib code outside lib/cli throws typed errors, never UsageError or exit codes", async () => {
  const bad: string[] = [];
  for (const f of await sourceFiles()) {
    if (!f.startsWith("lib/") || f.startsWith("lib/cli/")) continue;
    const lines = (await Deno.readTextFile(join(ROOT, f))).split("\n");
    lines.forEach((l, i) => {
      if (CLI_ONLY.test(l)) bad.push(`${f}:${i + 1}: ${l.trim()}`);
    });
  }
  assert.deepEqual(bad, []);
});
