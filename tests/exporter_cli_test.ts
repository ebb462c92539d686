// Black-box tests of ./tp exporter: spawn the real CLI (Deno.execPath()), real files, real HTTP on a
// free port, real promtool. No assertion depends on timing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureText } from "./fixtures/exporter/make_fixture.ts";
import { EXPORTER_V8_FLAGS } from "../lib/exporter/config.ts";
import denoJson from "../deno.json" with { type: "json" };
import { waitForValue } from "../lib/async/poll.ts";
import { outputWithin } from "../testing/bounded_output.ts";
import { runScript, startScript } from "../testing/script_proc.ts";

const MAIN = new URL("../scripts/exporter.ts", import.meta.url).pathname;
const FIXTURE = new URL("./fixtures/exporter/events.jsonl", import.meta.url).pathname;
const GOLDEN = new URL("./fixtures/exporter/events.max2.prom", import.meta.url).pathname;
/** Series left out of the golden comparison: none, because --once renders no wall-clock values. */
const SKIPPED_SERIES: RegExp[] = [];

const dec = new TextDecoder();

const exporter = (args: string[], env: Record<string, string> = {}) =>
  runScript(MAIN, args, { env: { NO_COLOR: "1", ...env } });

/** `name{labels}` -> value, from an exposition. */
function samples(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split("\n")) {
    if (!l || l.startsWith("#")) continue;
    const i = l.lastIndexOf(" ");
    m.set(l.slice(0, i), Number(l.slice(i + 1)));
  }
  return m;
}

async function promtool(text: string) {
  const out = await outputWithin("promtool", { args: ["check", "metrics"] }, undefined, text);
  return { code: out.code, text: (dec.decode(out.stdout) + dec.decode(out.stderr)).trim() };
}

/** promtool's only complaint is the contract name `..._latency_ms` (a lint, exit 3); no parse error. */
const PROMTOOL_LINT_ONLY = {
  code: 3,
  text: "peaktrade_ai_decision_latency_ms metric names should not contain abbreviated units",
};

Deno.test("--once on the fixture matches the golden exposition byte for byte", async () => {
  assert.equal(await Deno.readTextFile(FIXTURE), fixtureText(), "fixture is stale: run make_fixture.ts");
  const r = await exporter(["--once", "--quiet", "--max-run-ids", "2", "--events", FIXTURE]);
  assert.equal(r.code, 0, r.stderr);
  const drop = (t: string) =>
    t.split("\n").filter((l) => !SKIPPED_SERIES.some((re) => re.test(l))).join("\n");
  if (Deno.env.get("UPDATE_GOLDEN")) await Deno.writeTextFile(GOLDEN, r.stdout);
  assert.equal(drop(r.stdout), drop(await Deno.readTextFile(GOLDEN)));
  assert.deepEqual(await promtool(r.stdout), PROMTOOL_LINT_ONLY);
  // The stderr log names the first rejected line precisely.
  assert.match(r.stderr, /Cannot use event line 5: not JSON/);
  assert.match(r.stderr, /field \\"ts\\" is missing/);
});

Deno.test("--once counts each bad line kind exactly; identity comes from the env", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exporter_cli_" });
  try {
    const ev = (type: string, run: string, extra = "") =>
      `{"ts":"2026-01-01T00:00:00Z","type":"${type}","run_id":"${run}","component":"c","source":"s"${extra}}`;
    const lines = [
      ...Array.from({ length: 5 }, () => ev("decision", "r0", ',"latency_ms":2')),
      ...Array.from({ length: 2 }, () => ev("action", "r1")),
      "{bad",
      "42",
      "null",
      `{"pad":"${"x".repeat(1 << 20)}"}`,
      ev("decision", "r0", `,"pad":"${"é".repeat(600_000)}"`), // 1.2 MB in UTF-8, 600k chars
      ev("fill", "r0"),
      ev("order", "r0"),
      ev("x", "r0"),
      ev("y", "r0"),
      ev("decision", "r 0"),
      ev("action", "r0", ',"latency_ms":-1'),
      ev("heartbeat", "r0").replace('"ts"', '"tz"'),
      ev("decision", "r2"),
      ev("decision", "r3"),
      ev("decision", "r4"),
      ev("decision", "r3"),
    ];
    const path = join(dir, "e.jsonl");
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const r = await exporter(["--once", "--max-run-ids", "3", "--events", path], {
      PEAK_TRADE_AI_RUN_ID: "ci-run.1",
      PEAK_TRADE_AI_COMPONENT: "exp",
    });
    assert.equal(r.code, 0, r.stderr);
    const m = samples(r.stdout);
    assert.equal(m.get('peaktrade_ai_live_heartbeat{run_id="ci-run.1",component="exp"}'), 1);
    assert.equal(m.get('peaktrade_ai_decisions_total{run_id="r0",component="c"}'), 5);
    assert.equal(m.get('peaktrade_ai_actions_total{run_id="r1",component="c"}'), 2);
    assert.equal(m.get('peaktrade_ai_decisions_total{run_id="r2",component="c"}'), 1);
    assert.equal(m.get("peaktrade_ai_events_parse_errors_total"), 3);
    assert.equal(m.get('peaktrade_ai_events_dropped_total{reason="oversize"}'), 2);
    assert.equal(m.get('peaktrade_ai_events_dropped_total{reason="unknown_type"}'), 4);
    assert.equal(m.get('peaktrade_ai_events_dropped_total{reason="invalid"}'), 3);
    assert.equal(m.get('peaktrade_ai_events_dropped_total{reason="cardinality"}'), 3);
    assert.equal(m.get("peaktrade_ai_decision_latency_ms_count"), 5);
    assert.equal(m.get('peaktrade_ai_decision_latency_ms_bucket{le="2.5"}'), 5);
    assert.equal(m.get("peaktrade_ai_exporter_lines_total"), lines.length);
    assert.equal(m.get("peaktrade_ai_exporter_run_ids"), 3);

    const bad = await exporter(["--once", "--events", path], { PEAK_TRADE_AI_RUN_ID: "has space" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /PEAK_TRADE_AI_RUN_ID must be 1-64 characters/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--once on a missing file exits 2 naming it", async () => {
  const r = await exporter(["--once", "--events", "/nonexistent/dir/none.jsonl"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), "exporter: events file not found: /nonexistent/dir/none.jsonl");
  assert.equal(r.stdout, "");
});

Deno.test("a busy port exits 2 with the PortBusyError message", async () => {
  const held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (held.addr as Deno.NetAddr).port;
    const r = await exporter(["--port", String(port), "--events", "/nonexistent/x.jsonl"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(
        `^exporter: port ${port} \\(ai_live\\) on 127\\.0\\.0\\.1 is already in use; see who holds it: `,
        "m",
      ),
    );
  } finally {
    held.close();
  }
});

/** Collects a child's stderr in the background; `until` waits for a pattern (bounded, for hangs only). */
async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

Deno.test("serves /metrics and /health on a free port, follows appends, GET-only, stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exporter_http_" });
  const path = join(dir, "later", "events.jsonl");
  const child = startScript(MAIN, ["--port", "0", "--poll-ms", "20", "--events", path], {
    env: { NO_COLOR: "1" },
  });
  try {
    const [, base] = await child.waitFor(
      "stderr",
      "the listening line",
      /"url":"(http:\/\/127\.0\.0\.1:\d+)\/metrics"/,
      15_000,
    );
    // The file does not exist yet: ready (nothing to read), file_present 0.
    let m = await get(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.equal(m.type, "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(samples(m.body).get("peaktrade_ai_exporter_file_present"), 0);

    await Deno.mkdir(join(dir, "later"));
    const ev = (i: number, type: string) =>
      `{"ts":${1767225600000 + i},"type":"${type}","run_id":"r","component":"c","source":"s"}\n`;
    await Deno.writeTextFile(path, ev(1, "decision") + ev(2, "decision") + ev(3, "action") + "oops\n");
    const key = 'peaktrade_ai_decisions_total{run_id="r",component="c"}';
    m = await waitForValue("4 lines counted in /metrics", async () => {
      const r = await get(`${base}/metrics`);
      return samples(r.body).get("peaktrade_ai_exporter_lines_total") === 4 ? r : undefined;
    }, { timeoutMs: 10_000, everyMs: 25 });
    const s = samples(m.body);
    assert.deepEqual(
      [
        s.get(key),
        s.get('peaktrade_ai_actions_total{run_id="r",component="c"}'),
        s.get("peaktrade_ai_events_parse_errors_total"),
      ],
      [2, 1, 1],
    );
    assert.equal(s.get('peaktrade_ai_last_event_timestamp_seconds{source="s"}'), 1767225600.003);
    assert.deepEqual(await promtool(m.body), PROMTOOL_LINT_ONLY);

    const health = JSON.parse((await get(`${base}/health`)).body);
    assert.deepEqual(
      [health.ok, health.caught_up, health.file, health.lines, health.lag_bytes, health.identity.run_id],
      [true, true, path, 4, 0, "local"],
    );
    assert.equal((await get(`${base}/metrics`, { method: "POST", body: "x" })).status, 405);
    assert.equal((await get(`${base}/nope`)).status, 404);
  } finally {
    const status = await child.stop("SIGTERM", 30_000);
    await Deno.remove(dir, { recursive: true });
    assert.equal(status.code, 0, status.stderr);
  }
});

Deno.test("the exporter and bench tasks and the shebang carry the same V8 heap flags", async () => {
  const tasks = denoJson.tasks as Record<string, string>;
  assert.equal(tasks.exporter, `deno run -A --v8-flags=${EXPORTER_V8_FLAGS} scripts/exporter.ts`);
  assert.equal(
    tasks["bench:exporter"],
    `deno run -A --v8-flags=${EXPORTER_V8_FLAGS} bench/exporter_bench.ts`,
  );
  const first = (await Deno.readTextFile(MAIN)).split("\n")[0];
  assert.equal(first, `#!/usr/bin/env -S deno run -A --v8-flags=${EXPORTER_V8_FLAGS}`);
});
