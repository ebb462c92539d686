// scripts/live.ts as a black box: --help, and bad flags or settings are one line, exit 2, no secret shown.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { waitFor } from "../lib/async/poll.ts";
import { KEY, SECRET } from "../testing/binance_connector.ts";
import { closedBar } from "../testing/live_service.ts";
import { runScript, startScript } from "../testing/script_proc.ts";
import { TestFeed } from "./shadow_feed_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/live.ts", args, { cwd: ROOT, env: { NO_COLOR: "1", ...env } });

Deno.test("live CLI: --help exits 0; a bad flag, start mode or token is one line, exit 2", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp live/);
  assert.match(help.stdout, /LIVE_ADMIN_TOKEN/);
  const cases: [string[], Record<string, string>, string][] = [
    [
      ["--bogus"],
      {},
      "live: Unknown option '--bogus' (see --help)\n",
    ],
    [["--start", "hot"], {}, 'live: --start must be cold or warm, got "hot"\n'],
    [["--port", "x"], {}, 'live: --port must be a whole number from 0 to 65535, got "x"\n'],
    [
      [],
      { LIVE_ADMIN_TOKEN: "tooshort-secret" },
      "live: LIVE_ADMIN_TOKEN must hold at least 16 characters without spaces or control characters (value not shown)\n",
    ],
  ];
  cases.push([
    ["--port", "0"],
    { BINANCE_API_KEY: "", BINANCE_API_KEY_FILE: "" },
    "live: BINANCE_API_KEY (or BINANCE_API_KEY_FILE) is not set\n",
  ]);
  cases.push([["--config", "/nonexistent.json"], {}, "live: /nonexistent.json: NotFound\n"]);
  // mode live needs --live and a testnet or live profile: the paper profile refuses it either way.
  const liveCfg = await Deno.makeTempFile({ suffix: ".json" });
  const paper = JSON.parse(await Deno.readTextFile(`${ROOT}/config/live/paper.json`));
  await Deno.writeTextFile(liveCfg, JSON.stringify({ ...paper, mode: "live" }));
  const needsLive = "live: mode live needs --live and BINANCE_TRADING_PROFILE testnet or live\n";
  cases.push([["--config", liveCfg], {}, needsLive], [["--config", liveCfg, "--live"], {}, needsLive]);
  // In-flight timings the connector's 11 s request timeout could outlast: refused before anything starts.
  const shortCfg = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    shortCfg,
    JSON.stringify({ ...paper, missing_grace_ms: 3000 }),
  );
  cases.push([
    ["--config", shortCfg],
    {},
    `live: ${shortCfg}: live loop: missing grace (3000 ms) must exceed the venue connector's request timeout ` +
    "(11000 ms), or an order still awaiting its answer could be settled as final\n",
  ]);
  cases.push([
    [],
    { PEAK_TRADE_AI_RUN_ID: "has space" },
    "live: PEAK_TRADE_AI_RUN_ID must be 1-64 of [A-Za-z0-9._:-]\n",
  ]);
  cases.push([
    ["--port", "0"],
    { LIVE_CRASH_POINT: "before_lunch" },
    'live: LIVE_CRASH_POINT must be one of after_intent, after_send, after_ack, during_cancel, after_queued_intent, got "before_lunch"\n',
  ]);
  for (const [args, env, stderr] of cases) {
    const r = await cli(args, env);
    assert.deepEqual([r.code, r.stderr], [2, stderr], args.join(" "));
    assert.ok(!r.stderr.includes("tooshort-secret"));
  }
  await Deno.remove(liveCfg);
  await Deno.remove(shortCfg);
});

Deno.test("live CLI on the simulator: 200 trading with the feed's bar, kill switch kept across a warm restart, SIGTERM exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_live_cli_" });
  const feed = new TestFeed();
  const sim = startScript("scripts/venue_sim.ts", [
    ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
    ...["--trading", "--api-key", KEY, "--api-secret", SECRET],
  ], { cwd: ROOT, env: { NO_COLOR: "1" } });
  const TOKEN = "cli-admin-token-0123456789";
  const events = `${dir}.ai_events.jsonl`;
  const env = (simUrl: string) => ({
    NO_COLOR: "1",
    LIVE_STATE_DIR: dir,
    PEAK_TRADE_AI_EVENTS_JSONL: events,
    PEAK_TRADE_AI_RUN_ID: "cli-run",
    LIVE_FEED_URL: feed.url,
    LIVE_ADMIN_TOKEN: TOKEN,
    BINANCE_TRADING_PROFILE: "paper",
    BINANCE_TRADE_REST_URL: `${simUrl}/binance`,
    BINANCE_TRADE_WS_API_URL: `${simUrl.replace("http", "ws")}/binance/ws-api/v3`,
    BINANCE_API_KEY: KEY,
    BINANCE_API_SECRET: SECRET,
  });
  const live = (simUrl: string) =>
    startScript("scripts/live.ts", ["--port", "0"], { cwd: ROOT, env: env(simUrl) });
  const health = async (url: string) => {
    const r = await fetch(`${url}/health`);
    return { status: r.status, body: await r.json() };
  };
  const admin = (url: string, method: string, body?: object) =>
    fetch(`${url}/admin/kill-switch`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}` },
      body: body && JSON.stringify(body),
    }).then((r) => r.json());
  try {
    const listening = await sim.waitFor(
      "stderr",
      "the simulator's listening line",
      /^.*"msg":"listening".*$/m,
    );
    const simUrl = JSON.parse(listening[0]).url as string;
    const first = live(simUrl);
    try {
      const m = await first.waitFor(
        "stdout",
        "the live_loop url line",
        /^live_loop: (http:\/\/\S+)\/ \(start cold, status ready/m,
      );
      const url = m[1];
      await waitFor("the loop's feed stream", () => feed.clients === 1);
      feed.publish([closedBar(Date.now())]);
      await waitFor("/health 200 with the bar", async () => {
        const h = await health(url);
        return h.status === 200 && h.body.components["dependency:feed"].last_bar_age_s !== null;
      }, { timeoutMs: 20_000 });
      assert.equal((await admin(url, "POST", { reason: "cli drill" })).state, "HALTED");
      // The engage is an ai_event action line in the events file the env names.
      const lines = (await Deno.readTextFile(events)).trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((e) => [e.type, e.run_id, e.component, e.action, e.reason, e.by]), [
        ["action", "cli-run", "live_loop", "kill_switch_halted", "cli drill", "admin"],
      ]);
      const stopped = await first.stop("SIGTERM", 30_000);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /^live_loop: stopped \(open 0, queued 0\)$/m);
      assert.match(
        stopped.stdout,
        /^live_loop: mode=paper trading profile=paper rest=http:\/\/127\.0\.0\.1:\d+\/binance .* strategy=refstrat_01 on BTCUSDT events=\S+ai_events\.jsonl$/m,
      );
      assert.ok(
        !(stopped.stdout + stopped.stderr).includes(SECRET) &&
          !(stopped.stdout + stopped.stderr).includes(TOKEN),
      );
    } finally {
      await first.close();
    }
    const second = live(simUrl);
    try {
      const m = await second.waitFor(
        "stdout",
        "the warm start line",
        /^live_loop: (http:\/\/\S+)\/ \(start warm, status ready/m,
      );
      const ks = await admin(m[1], "GET");
      assert.deepEqual(
        [ks.state, ks.reason],
        ["HALTED", "cli drill"],
        "the kill switch survives the restart",
      );
      const h = await health(m[1]);
      assert.equal(h.status, 503);
      assert.ok(
        h.body.reasons.includes("risk_manager: kill switch engaged: cli drill"),
        JSON.stringify(h.body.reasons),
      );
      assert.equal(h.body.components.reconciliation.state, "done");
      assert.equal((await second.stop("SIGINT", 30_000)).code, 0);
    } finally {
      await second.close();
    }
  } finally {
    await sim.close();
    await feed.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(events).catch(() => {});
  }
});
