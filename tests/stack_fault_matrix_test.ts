// The stack gates catch each fault of the part of the stack the ai_live gates do not see: on the
// real demo stack (simulator -> feed -> shadow -> exporter, Prometheus, Alertmanager) plus a real
// peak_trade_web, each fault fails exactly the gates it should, naming the observed value. Faults
// accumulate (the feed stays down for the later rows), so each row adds its own gates.
import assert from "node:assert/strict";
import { join } from "node:path";
import { instantQuery } from "../lib/prom/client.ts";
import type { Child } from "../lib/proc/child.ts";
import { fmtNum } from "../lib/verify/gates.ts";
import { evaluateStackGates, type JudgedGate, type StackGateTargets } from "../lib/verify/stack_gates.ts";
import { judgeStack } from "../lib/verify/stack_judge.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { logTails, startDemoStack } from "../testing/demo_stack.ts";
import { freePort, spawnScript, waitHttpOk } from "../testing/net.ts";

const VENUES = ["binance", "kraken"];

const failed = (gates: JudgedGate[]) =>
  gates.filter((g) => g.result.status !== "PASS").map((g) =>
    `${g.result.key}=${g.result.value === null ? g.result.status : fmtNum(g.result.value)}`
  );

Deno.test({
  name: "stack fault matrix: feed, Alertmanager, web and Prometheus faults fail their stack gates",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tp_stack_faults_" });
    const stack = await startDemoStack(dir, { venues: VENUES, symbols: ["BTC-USDT"] });
    let web: Child | null = null;
    try {
      const webPort = freePort();
      web = await spawnScript("web", "scripts/web.ts", [
        ...["--port", String(webPort), "--prometheus-url", stack.promUrl],
        ...["--evidence-dir", join(dir, "evidence")],
      ], join(dir, "web.log"));
      await waitHttpOk(`http://127.0.0.1:${webPort}/health`);
      const targets: StackGateTargets = {
        promUrl: stack.promUrl,
        alertmanagerUrl: stack.amUrl,
        webUrl: `http://127.0.0.1:${webPort}`,
        venues: VENUES,
      };
      const matrix: string[] = [];
      const record = (fault: string, gates: JudgedGate[]) =>
        matrix.push(`${fault.padEnd(20)} -> ${failed(gates).join(" ") || "none"}`);
      const q = async (promql: string) => (await instantQuery(stack.promUrl, promql)).samples;
      const waitProm = async (what: string, ok: () => Promise<boolean>) =>
        assert.ok(await pollUntil(async () => (await ok()) || undefined, 60_000, 250), `never saw: ${what}`);

      // Happy path: every gate passes once bars have closed and the strategy has decided.
      // (judgeStack puts the start-state gate first; this test started the stack itself.)
      let gates = (await judgeStack({ targets, statuses: [], waitMs: 120_000 })).slice(1);
      record("happy path", gates);
      assert.deepEqual(failed(gates), [], await logTails(dir));

      // Feed killed: its target goes down and its series go stale -> FAIL / NO_DATA on every feed gate.
      await stack.children.feed.stop();
      await waitProm(
        "feed down and its series stale",
        async () =>
          (await q('up{job="live_connector"}'))[0]?.value === 0 && (await q("feed_bars_total")).length === 0,
      );
      gates = await evaluateStackGates(targets);
      record("feed killed", gates);
      assert.deepEqual(failed(gates), [
        "feed_up=0",
        "feed_bars_closed_binance=NO_DATA",
        "feed_bars_closed_kraken=NO_DATA",
        "feed_trades_binance=NO_DATA",
        "feed_trades_kraken=NO_DATA",
      ]);
      const feedUp = gates.find((g) => g.result.key === "feed_up")!;
      assert.equal(feedUp.result.promql, 'up{job="live_connector"}');
      assert.match(feedUp.raw, /"job":"live_connector"/);

      // Alertmanager stopped: its readiness GET fails with the reason.
      await stack.alerts.am!.stop();
      gates = await evaluateStackGates(targets);
      record("+ alertmanager killed", gates);
      const am = gates.find((g) => g.result.key === "alertmanager_ready")!;
      assert.equal(am.result.status, "ERROR");
      assert.equal(am.result.promql, `GET ${stack.amUrl}/-/ready`);
      assert.match(am.raw, /^GET http:\/\/127\.0\.0\.1:\d+\/-\/ready failed: /);

      // Web killed: the page gate fails the same way.
      await web.stop();
      web = null;
      gates = await evaluateStackGates(targets);
      record("+ web killed", gates);
      assert.deepEqual(failed(gates).slice(-2), ["alertmanager_ready=ERROR", "web_page=ERROR"]);

      // Prometheus killed: every PromQL gate is ERROR, never a pass.
      await stack.alerts.prom.stop();
      gates = await evaluateStackGates(targets);
      record("+ prometheus killed", gates);
      assert.deepEqual(gates.map((g) => g.result.status), gates.map(() => "ERROR"));
      console.log(
        ["", "stack fault matrix (fault -> failing stack gates with values):", ...matrix].join("\n"),
      );
    } finally {
      await web?.stop();
      await stack.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
