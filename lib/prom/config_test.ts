import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScrapeConfig, renderPromConfig } from "./config.ts";
import { promtoolCheckConfig } from "./tools.ts";

Deno.test("generated prometheus.yml has the seven contract jobs on the contract ports and passes promtool", async () => {
  const scrape = await loadScrapeConfig();
  const yml = renderPromConfig({ scrape, ruleFiles: [], alertmanager: "127.0.0.1:9093" });
  const jobs = [
    ["ai_live", 9110],
    ["peak_trade_web", 8080],
    ["shadow_mvs", 9111],
    ["live_connector", 8000],
    ["live_loop", 9120],
    ["store_writer", 9130],
    ["node", 9100],
  ] as const;
  assert.deepEqual(scrape.jobs, jobs.map(([j]) => j));
  for (const [job, port] of jobs) {
    assert.match(
      yml,
      new RegExp(`job_name: "${job}"\\n    static_configs:\\n      - targets: \\["127.0.0.1:${port}"\\]`),
    );
  }
  assert.match(yml, /scrape_interval: 2s/);
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "prometheus.yml");
    await Deno.writeTextFile(file, yml);
    await promtoolCheckConfig(file);
    await Deno.writeTextFile(file, yml.replace("scrape_interval: 2s", "scrape_interval: soon"));
    await assert.rejects(() => promtoolCheckConfig(file), /promtool check config .* failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad scrape.json is one clear line naming the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "scrape.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        scrape_interval: "fast",
        scrape_timeout: "1s",
        evaluation_interval: "2s",
        jobs: ["ai_live"],
        rules_dir: "x",
      }),
    );
    await assert.rejects(
      () => loadScrapeConfig(file),
      /^TypeError: Invalid .*scrape\.json: scrape_interval: a Prometheus duration like 2s$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
