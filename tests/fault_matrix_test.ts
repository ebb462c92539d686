// The proof catches every fault it claims to: for each fault, ops verify exits 1, names the failing
// gate with the observed value, and still writes a complete folder whose manifest sha256sum accepts.
// The happy path passes. Runs a real stack (exporter, web, shadow, Prometheus) on free ports.
import assert from "node:assert/strict";
import { join } from "node:path";
import { instantQuery } from "../lib/prom/client.ts";
import { type PromHandle, startPrometheus } from "../lib/prom/launcher.ts";
import type { Child } from "../lib/proc/child.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { freePort, spawnScript, waitHttpOk } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";
import { sha256sumCheck } from "../testing/sha256sum.ts";

const REQUIRED_FILES = [
  "AI_LIVE_OPS_SUMMARY.txt",
  "summary.json",
  "PROM_REQUIRED_SERIES.tsv",
  "exporter_metrics.txt",
  "run.json",
  "MANIFEST_SHA256.txt",
  "prom/targets.json",
  "prom/gate_up_jobs_rc.json",
];

interface Verdict {
  code: number;
  summary: Record<string, string>;
  lastLine: string;
  dir: string;
}

Deno.test({
  name: "fault matrix: ops verify fails each fault on the right gate and keeps complete evidence",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tp_faults_" });
    const p = {
      exporter: freePort(),
      web: freePort(),
      shadow: freePort(),
      feed: freePort(),
      prom: freePort(),
    };
    const good = join(dir, "good.jsonl"), empty = join(dir, "empty.jsonl"), bad = join(dir, "bad.jsonl");
    await Deno.writeTextFile(empty, "");
    await Deno.writeTextFile(
      bad,
      Array.from({ length: 25 }, (_, i) => `garbage line ${i} {not json\n`).join(""),
    );
    const emitted = await runScript("scripts/emit_events.ts", [
      "--out",
      good,
      "--n",
      "30",
      "--interval-ms",
      "0",
      "--seed",
      "3",
    ]);
    assert.equal(emitted.code, 0, emitted.stderr);
    const promUrl = `http://127.0.0.1:${p.prom}`;
    const procs: Record<string, Child | null> = { exporter: null, web: null, shadow: null };
    const start = {
      exporter: async (events: string) => {
        procs.exporter = await spawnScript("exporter", "scripts/exporter.ts", [
          "--events",
          events,
          "--port",
          String(p.exporter),
          "--poll-ms",
          "100",
          "--quiet",
        ], join(dir, "exporter.log"));
        await waitHttpOk(`http://127.0.0.1:${p.exporter}/health`);
      },
      web: async () => {
        procs.web = await spawnScript("web", "scripts/web.ts", [
          "--port",
          String(p.web),
          "--prometheus-url",
          promUrl,
          "--evidence-dir",
          join(dir, "evidence"),
        ], join(dir, "web.log"));
        await waitHttpOk(`http://127.0.0.1:${p.web}/health`);
      },
      shadow: async () => {
        procs.shadow = await spawnScript("shadow", "scripts/shadow.ts", [
          "--port",
          String(p.shadow),
          "--feed-url",
          `http://127.0.0.1:${p.feed}`,
          "--events",
          join(dir, "shadow_events.jsonl"),
        ], join(dir, "shadow.log"));
        await waitHttpOk(`http://127.0.0.1:${p.shadow}/health`);
      },
    };
    const stop = async (name: keyof typeof procs) => {
      await procs[name]?.stop();
      procs[name] = null;
    };
    let prom: PromHandle | null = null;
    const q = async (promql: string) => (await instantQuery(promUrl, promql)).samples;
    const waitProm = async (what: string, ok: () => Promise<boolean>) => {
      assert.ok(
        await pollUntil(async () => (await ok()) || undefined, 30_000, 250),
        `Prometheus never showed: ${what}`,
      );
    };
    const upOf = async (job: string) => (await q(`up{job="${job}"}`))[0]?.value;
    const verify = async (): Promise<Verdict> => {
      const r = await runScript("scripts/ops_verify.ts", [
        "--prom-url",
        promUrl,
        "--exporter-url",
        `http://127.0.0.1:${p.exporter}`,
        "--out-root",
        join(dir, "evidence"),
        "--ready-timeout-s",
        "2",
        "--wait-s",
        "5",
      ]);
      const evDir = /^evidence: (.+)$/m.exec(r.stdout)?.[1];
      assert.ok(evDir, `no evidence line in: ${r.stdout}${r.stderr}`);
      for (const f of REQUIRED_FILES) await Deno.stat(join(evDir, f));
      const check = await sha256sumCheck(evDir);
      assert.equal(check.code, 0, `manifest check failed in ${evDir}: ${check.out}`);
      const text = (await Deno.readTextFile(join(evDir, "AI_LIVE_OPS_SUMMARY.txt"))).trim();
      const summary = Object.fromEntries(
        text.split("\n").map((l) => {
          const i = l.indexOf("=");
          return [l.slice(0, i), l.slice(i + 1)];
        }),
      );
      return { code: r.code, summary, lastLine: text.split("\n").at(-1)!, dir: evDir };
    };
    const matrix: string[] = [];
    const record = (fault: string, v: Verdict) => {
      const failed = v.summary.failed_gates;
      const shown = failed === "none" ? "" : failed.split(",").map((g) => `${g}=${v.summary[g]}`).join(" ");
      matrix.push(
        `${fault.padEnd(26)} -> ${(failed === "none" ? "none" : shown).padEnd(96)} -> exit ${v.code}`,
      );
    };

    try {
      await start.exporter(good);
      await start.web();
      await start.shadow();
      prom = await startPrometheus({
        workDir: join(dir, "prom"),
        port: p.prom,
        alertmanager: null,
        targets: {
          ai_live: `127.0.0.1:${p.exporter}`,
          peak_trade_web: `127.0.0.1:${p.web}`,
          shadow_mvs: `127.0.0.1:${p.shadow}`,
          live_connector: `127.0.0.1:${p.feed}`,
        },
      });
      const decisions = (await Deno.readTextFile(good)).trim().split("\n").filter((l) =>
        JSON.parse(l).type === "decision"
      ).length;
      await waitProm(
        "all three jobs up with decisions",
        async () =>
          (await q('sum(up{job=~"ai_live|peak_trade_web|shadow_mvs"})'))[0]?.value === 3 &&
          (await q("sum(peaktrade_ai_decisions_total)"))[0]?.value === decisions,
      );

      // Happy path.
      let v = await verify();
      record("happy path", v);
      assert.equal(v.code, 0);
      assert.equal(v.lastLine, "verdict=PASS");
      assert.equal(v.summary.up_jobs_rc, "3");
      assert.equal(v.summary.decisions_sum, String(decisions));

      // web killed, shadow killed: the up gate names the job that is down.
      for (const job of ["web", "shadow"] as const) {
        const promJob = job === "web" ? "peak_trade_web" : "shadow_mvs";
        await stop(job);
        await waitProm(`${promJob} down`, async () => (await upOf(promJob)) === 0);
        v = await verify();
        record(`${job} killed`, v);
        assert.equal(v.code, 1);
        assert.equal(v.lastLine, "verdict=FAIL");
        assert.equal(v.summary.failed_gates, "up_jobs_rc");
        assert.equal(v.summary.up_jobs_rc, "2");
        assert.equal(v.summary["gate.up_jobs_rc"], `FAIL (want =3, got 2; not up: ${promJob}(down))`);
        await start[job]();
        await waitProm(`${promJob} up again`, async () => (await upOf(promJob)) === 1);
      }

      // exporter killed: up drops and every AI series goes stale -> NO_DATA, never a pass.
      await stop("exporter");
      await waitProm("ai_live down", async () => (await upOf("ai_live")) === 0);
      v = await verify();
      record("exporter killed", v);
      assert.equal(v.code, 1);
      assert.equal(
        v.summary.failed_gates,
        "up_jobs_rc,heartbeat_rc,decisions_sum,run_id_count,last_event_ts_by_run_id_count",
      );
      assert.equal(v.summary.up_jobs_rc, "2");
      assert.equal(v.summary.heartbeat_rc, "NO_DATA");
      assert.equal(v.summary.decisions_sum, "NO_DATA");
      assert.match(
        await Deno.readTextFile(join(v.dir, "exporter_metrics.txt")),
        /^# GET http:\/\/127\.0\.0\.1:\d+\/metrics failed/,
      );

      // events file empty / all malformed: the exporter is up, but there is nothing to count.
      for (
        const [fault, file] of [["events file empty", empty], ["events file all malformed", bad]] as const
      ) {
        await stop("exporter");
        await start.exporter(file);
        await waitProm(
          `${fault}: exporter up with no decisions`,
          async () =>
            (await upOf("ai_live")) === 1 && (await q("sum(peaktrade_ai_decisions_total)")).length === 0 &&
            (await q("peaktrade_ai_live_heartbeat")).length === 1,
        );
        v = await verify();
        record(fault, v);
        assert.equal(v.code, 1);
        assert.equal(v.summary.failed_gates, "decisions_sum,run_id_count,last_event_ts_by_run_id_count");
        assert.equal(v.summary.decisions_sum, "NO_DATA");
        assert.equal(v.summary.up_jobs_rc, "3");
        assert.equal(v.summary.heartbeat_rc, "1");
        if (file === bad) {
          assert.match(
            await Deno.readTextFile(join(v.dir, "exporter_metrics.txt")),
            /^peaktrade_ai_events_parse_errors_total 25$/m,
          );
        }
      }

      // Prometheus killed: nothing can be judged -> ERROR on every gate.
      await prom.stop();
      prom = null;
      v = await verify();
      record("prometheus killed", v);
      assert.equal(v.code, 1);
      assert.equal(v.summary.prometheus_ready, "no");
      assert.equal(
        v.summary.failed_gates,
        "up_jobs_rc,heartbeat_rc,decisions_sum,run_id_count,last_event_ts_by_run_id_count",
      );
      assert.equal(v.summary.up_jobs_rc, "ERROR");
      console.log(
        ["", "fault matrix (fault -> failing gates with observed values -> exit code):", ...matrix].join(
          "\n",
        ),
      );
    } finally {
      for (const name of ["shadow", "web", "exporter"] as const) await stop(name);
      await prom?.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
