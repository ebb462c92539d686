// ./tp prom --help lists every job the config it generates scrapes, with the same target: both come from
// config/prometheus/scrape.json (and config/ports.json), so a job added there shows in the help too.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../testing/script_proc.ts";

Deno.test("prom --help: its scrape jobs are exactly the generated prometheus.yml's, each with its target", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "prom_help_" });
  try {
    const env = { NO_COLOR: "1" };
    const help = await runScript("scripts/prom.ts", ["--help"], { env });
    assert.equal(help.code, 0, help.stderr);
    const section = help.stdout.split("\nScrape jobs")[1]?.split("\n\n")[0] ?? "";
    const listed = [...section.matchAll(/^ {2}(\w+) +(\S+)$/gm)].map((m) => [m[1], m[2]]);

    const check = await runScript("scripts/prom.ts", ["--check-only", "--work-dir", tmp], { env });
    assert.equal(check.code, 0, check.stderr);
    const yml = await Deno.readTextFile(join(tmp, "prometheus.yml"));
    const scraped = [...yml.matchAll(/^ {2}- job_name: "(\w+)"\n.*\n {6}- targets: \["([^"]+)"\]$/gm)]
      .map((m) => [m[1], m[2]]);
    assert.deepEqual(listed, scraped);
    assert.deepEqual(listed.map(([job]) => job), [
      "ai_live",
      "peak_trade_web",
      "shadow_mvs",
      "live_connector",
      "live_loop",
      "store_writer",
      "node",
    ]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
