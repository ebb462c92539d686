// `evidence check` renders HANDOVER.md again from the stored answers at judged_at: an honest
// `oncall --handover` folder agrees, one whose page hides an incident (or lost the answer behind it)
// disagrees, naming HANDOVER.md, even once re-sealed. Real Prometheus with a rule that always fires.
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { startAlertStack } from "../testing/alert_stack.ts";
import { resealFolder as reseal } from "../testing/reseal_folder.ts";
import { waitFor } from "../lib/async/poll.ts";
import { checkFolder } from "../lib/audit/check.ts";
import { freePort } from "../lib/http/free_port.ts";
import { loadOncallConfig, ONCALL_CONFIG_PATH } from "../lib/oncall/config.ts";
import { HANDOVER_FILE, HANDOVER_SOURCES } from "../lib/oncall/handover.ts";
import { ALERTS_HISTORY_QUERY } from "../lib/oncall/incidents.ts";
import { runOncall } from "../lib/oncall/run.ts";
import { instantQuery } from "../lib/prom/client.ts";

const disagreeing = async (dir: string) =>
  (await checkFolder(dir, null)).rows.filter((r) => r.verdict === "DISAGREE").map((r) => r.check);

Deno.test({
  name: "evidence check: HANDOVER.md is rendered again from the stored answers; a hidden incident disagrees",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "tickproof_handover_check_" });
    const rules = join(work, "rules");
    await Deno.mkdir(rules);
    await Deno.writeTextFile(
      join(rules, "page.yml"),
      "groups:\n- name: page\n  rules:\n  - alert: TestPage\n    expr: vector(1)\n    labels:\n      severity: critical\n    annotations:\n      summary: the page nobody may hide\n",
    );
    const stack = await startAlertStack({
      workDir: work,
      targets: { live_connector: "127.0.0.1:9" },
      rulesDir: rules,
      interval: "1s",
      noAlertmanager: true,
    });
    try {
      await waitFor(
        "an ALERTS history point",
        async () => ((await instantQuery(stack.prom.url, ALERTS_HISTORY_QUERY)).samples.length > 0),
        { timeoutMs: 120_000, everyMs: 500 },
      );
      const res = await runOncall({
        promUrl: stack.prom.url,
        amUrl: `http://127.0.0.1:${freePort()}`, // nobody: the page says the incidents may be incomplete
        config: await loadOncallConfig(),
        configPath: ONCALL_CONFIG_PATH,
        evidenceRoot: join(work, "proofs"),
        handover: true,
      });
      const page = join(res.dir, HANDOVER_FILE);
      const text = await Deno.readTextFile(page);
      // Judged at the run's own time: the alert firing now is `firing`.
      assert.match(
        text,
        /^\| TestPage-\w{8}-\d{8}T\d{4}Z \| [\d-]+ [\d:]+ \| firing \| TestPage \| critical \| /m,
      );
      assert.match(text, /^Incomplete: Alertmanager: /m);
      assert.deepEqual(await disagreeing(res.dir), []);

      const copy = async (name: string) => {
        await Deno.mkdir(join(work, name));
        const d = join(work, name, basename(res.dir)); // the folder's name says its kind
        await new Deno.Command("cp", { args: ["-a", res.dir, d] }).output();
        return d;
      };
      // The incident taken off the page.
      const hidden = await copy("hidden");
      await Deno.writeTextFile(
        join(hidden, HANDOVER_FILE),
        text.replace(/\| id \|[\s\S]*?\n\n## Feed/, "None.\n\n## Feed").replace(/Incomplete: [^\n]*\n\n/, ""),
      );
      assert.doesNotMatch(await Deno.readTextFile(join(hidden, HANDOVER_FILE)), /TestPage/);
      await reseal(hidden);
      assert.deepEqual(await disagreeing(hidden), [HANDOVER_FILE]);
      // The answer behind the page removed.
      const bare = await copy("bare");
      await Deno.remove(join(bare, HANDOVER_SOURCES.history));
      await reseal(bare);
      assert.deepEqual(await disagreeing(bare), [HANDOVER_FILE]);
    } finally {
      await stack.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
