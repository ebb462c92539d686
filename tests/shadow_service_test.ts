// shadow_mvs end to end against a real HTTP/SSE feed on port 0: fixture decisions over the stream,
// feed outage / feedOk:false / stale (no decisions, heartbeats say so), restart without duplicates.
// The service runs with a manual clock and no tick timer: the test calls tick(), so counts are exact.
import assert from "node:assert/strict";
import { validateEvent } from "../lib/events/ai_event.ts";
import { jsonLogger } from "../lib/log.ts";
import { parseStrategyFile, resolveConfig, type ShadowConfig } from "../lib/shadow/shadow_config.ts";
import { type ShadowService, startShadowService } from "../lib/shadow/shadow_service.ts";
import { CLOSE_DELAY_MS, expectedRun, FIXTURE_BARS, fixtureClosedBars } from "../testing/shadow_fixture.ts";
import { withDeadline } from "../lib/async/poll.ts";
import { readEvents, TestFeed, waitFor } from "./shadow_feed_server.ts";

const BARS = fixtureClosedBars();
const idx = (openMs: unknown) => FIXTURE_BARS.findIndex((b) => b.t === openMs);
const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} != ${want}`);

interface Rig {
  feed: TestFeed;
  cfg: ShadowConfig;
  clock: { t: number };
  logs: string[];
  start(): Promise<ShadowService>;
  events(): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

async function rig(warmupBars = 100): Promise<Rig> {
  const dir = await Deno.makeTempDir();
  const feed = new TestFeed();
  const file = parseStrategyFile({
    strategy: "refstrat_01",
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    stop_atr_k: 2,
    fee_bps: 10,
    size: 1,
    run_id: "test-run",
    warmup_bars: warmupBars,
    heartbeat_every_s: 10,
    feed_stale_after_s: 30,
    backoff_base_ms: 2,
    backoff_max_ms: 20,
  }, "test.json");
  const cfg = resolveConfig("test.json", file, () => undefined, {
    events: `${dir}/ai/ai_events.jsonl`,
    feedUrl: feed.url,
    port: 0,
  });
  const clock = { t: 1_800_000_000_000 };
  const logs: string[] = [];
  const log = jsonLogger("shadow_mvs", { write: (l) => logs.push(l) });
  // Every service is stopped in cleanup too: one left reconnecting after a failed wait would keep the
  // feed server (and the test) alive. Start and stop have deadlines: a hang fails, naming the step.
  const started: ShadowService[] = [];
  const stop = (svc: ShadowService) =>
    withDeadline("the shadow service to stop (stream loop ended, events file closed)", svc.stop(), 20_000);
  return {
    feed,
    cfg,
    clock,
    logs,
    async start() {
      const svc = await withDeadline(
        "the shadow service to start (resume point read, events file open)",
        startShadowService({ cfg, log, now: () => clock.t, tickEveryMs: null, random: () => 0.5 }),
        20_000,
      );
      started.push(svc);
      return { ...svc, stop: () => stop(svc) };
    },
    events: () => readEvents(cfg.eventsPath),
    async cleanup() {
      try {
        for (const svc of started) await stop(svc);
        await feed.close();
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
}

const ofType = (evs: Record<string, unknown>[], type: string) => evs.filter((e) => e.type === type);
const decidedIdx = (evs: Record<string, unknown>[]) =>
  ofType(evs, "decision").map((e) => idx(e.bar_open_time_ms));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

async function scrape(svc: ShadowService, path: string, method = "GET"): Promise<Response> {
  return await withDeadline(
    `${method} ${path}`,
    Promise.resolve(svc.handler(new Request(`http://127.0.0.1${path}`, { method }))),
  );
}

function metric(body: string, series: string): number {
  const line = body.split("\n").find((l) => l.startsWith(series + " "));
  assert.ok(line, `series ${series} missing`);
  return Number(line.slice(series.length + 1));
}

Deno.test("fixture bars over SSE: warm-up primes 100 bars, then exactly one decision per bar, as the strategy", async () => {
  const r = await rig();
  try {
    r.feed.publish(BARS.slice(0, 100), false);
    const svc = await r.start();
    await waitFor("stream open", () => svc.runner.status().connected && r.feed.clients === 1);
    assert.deepEqual(r.feed.streamRequests, [`binance|BTC-USDT|1m|${BARS[99].openTimeMs}`]);
    assert.equal(r.feed.historyRequests[0], "?venue=binance&symbol=BTC-USDT&interval=1m&limit=100");
    assert.equal(r.feed.streamQueries[0], "?venue=binance&symbol=BTC-USDT&interval=1m");
    for (let i = 100; i < 2000; i += 100) r.feed.publish(BARS.slice(i, i + 100));
    await waitFor(
      "bar 1999 decided",
      () => svc.runner.status().lastDecidedOpenTimeMs === BARS[1999].openTimeMs,
    );

    const want = expectedRun(100, 2, 10, 1);
    const m = await (await scrape(svc, "/metrics")).text();
    assert.equal(metric(m, 'shadow_decisions_total{decision="enter_long"}'), want.enters.length);
    assert.equal(metric(m, 'shadow_decisions_total{decision="exit_long"}'), want.exits.length);
    assert.equal(
      metric(m, 'shadow_decisions_total{decision="hold"}'),
      1900 - want.enters.length - want.exits.length,
    );
    assert.equal(metric(m, 'shadow_actions_total{action="open_long"}'), want.enters.length);
    assert.equal(metric(m, "shadow_bars_consumed_total"), 2000);
    assert.equal(metric(m, "shadow_history_bars_primed_total"), 100);
    assert.equal(metric(m, "shadow_position"), want.position);
    near(metric(m, "shadow_pnl"), want.pnl, "shadow_pnl");
    await svc.stop();

    const evs = await r.events();
    const decisions = ofType(evs, "decision");
    assert.equal(decisions.length, 1900);
    assert.deepEqual(decidedIdx(evs), range(100, 2000));
    assert.deepEqual(
      decisions.filter((d) => d.decision === "enter_long").map((d) => idx(d.bar_open_time_ms)),
      want.enters,
    );
    assert.deepEqual(
      decisions.filter((d) => d.decision === "exit_long").map((d) => ({
        i: idx(d.bar_open_time_ms),
        reason: d.reason,
      })),
      want.exits,
    );
    // Latency = feed close delay (closedAtMs − bar end) + processing (0 on the manual clock).
    assert.ok(decisions.every((d) => d.latency_ms === CLOSE_DELAY_MS && d.catch_up === false));
    const actions = ofType(evs, "action");
    assert.equal(actions.length, want.enters.length + want.exits.length);
    assert.deepEqual(actions.slice(0, 2).map((a) => [a.action, idx(a.bar_open_time_ms), a.price, a.size]), [
      ["open_long", want.enters[0], FIXTURE_BARS[want.enters[0]].c, 1],
      ["close_long", want.exits[0].i, FIXTURE_BARS[want.exits[0].i].c, 1],
    ]);
    const last = decisions.at(-1)!;
    assert.equal(last.position, want.position);
    near((last.pnl as { total: number }).total, want.pnl, "pnl.total");
    near((last.pnl as { realised: number }).realised, want.realised, "pnl.realised");
    assert.equal(ofType(evs, "heartbeat").length, 0);
    for (const e of evs) assert.equal(validateEvent(e).ok, true);
    assert.ok(
      evs.every((e) => e.component === "shadow_mvs" && e.source === "refstrat_01" && e.run_id === "test-run"),
    );
  } finally {
    await r.cleanup();
  }
});

Deno.test("feed outage: no decisions, heartbeats say feed_ok:false, then catch-up and resume without doubles", async () => {
  const r = await rig();
  try {
    r.feed.publish(BARS.slice(0, 100), false);
    const svc = await r.start();
    await waitFor("stream open", () => svc.runner.status().connected && r.feed.clients === 1);
    r.feed.publish(BARS.slice(100, 120));
    await waitFor("20 decisions", () => svc.runner.status().lastDecidedOpenTimeMs === BARS[119].openTimeMs);
    r.clock.t += 10_000;
    svc.tick();

    r.feed.up = false;
    r.feed.dropClients();
    await waitFor("stream down", () => !svc.runner.status().connected);
    r.feed.publish(BARS.slice(120, 130), false); // the feed keeps building bars we cannot see
    for (let i = 0; i < 3; i++) {
      r.clock.t += 10_000;
      svc.tick();
    }
    const h = await (await scrape(svc, "/health")).json();
    assert.deepEqual([h.status, h.feed.ok, h.feed.reason, h.feed.connected], [
      "degraded",
      false,
      "disconnected",
      false,
    ]);
    assert.equal(ofType(await r.events(), "decision").length, 20);

    r.feed.up = true;
    await waitFor("stream back", () => svc.runner.status().connected && r.feed.clients === 1);
    r.feed.publish(BARS.slice(130, 140));
    await waitFor(
      "bar 139 decided",
      () => svc.runner.status().lastDecidedOpenTimeMs === BARS[139].openTimeMs,
    );
    r.clock.t += 10_000;
    svc.tick();
    const m = await (await scrape(svc, "/metrics")).text();
    await svc.stop();

    const evs = await r.events();
    assert.deepEqual(decidedIdx(evs), range(100, 140));
    const catchUp = ofType(evs, "decision").filter((d) => d.catch_up === true);
    assert.deepEqual(catchUp.map((d) => idx(d.bar_open_time_ms)), range(120, 130));
    assert.ok(catchUp.every((d) => !("latency_ms" in d)));
    const hbs = ofType(evs, "heartbeat");
    assert.deepEqual(hbs.map((e) => [e.feed_ok, e.reason]), [
      [true, "ok"],
      [false, "disconnected"],
      [false, "disconnected"],
      [false, "disconnected"],
      [true, "ok"],
    ]);
    // Resumed from the last bar seen; the replay (120..129) and history overlap were deduped.
    assert.equal(r.feed.streamRequests.length, 2);
    assert.equal(r.feed.streamRequests[1], `binance|BTC-USDT|1m|${BARS[119].openTimeMs}`);
    assert.equal(metric(m, 'shadow_bars_skipped_total{reason="duplicate"}'), 90 + 10);
    assert.equal(metric(m, "shadow_bars_consumed_total"), 100 + 20 + 100 + 10 + 10);
    for (const e of evs) assert.equal(validateEvent(e).ok, true);
  } finally {
    await r.cleanup();
  }
});

Deno.test("feedOk:false and a silent (stale) stream stop decisions; invalid bars are counted, not fatal", async () => {
  const r = await rig();
  try {
    r.feed.publish(BARS.slice(0, 100), false);
    const svc = await r.start();
    await waitFor("stream open", () => svc.runner.status().connected && r.feed.clients === 1);
    r.feed.publish(BARS.slice(100, 105));
    r.feed.heartbeat(false);
    await waitFor("feed_not_ok", () => svc.runner.status().feedReason === "feed_not_ok");
    r.feed.publish(BARS.slice(105, 107));
    r.feed.raw(`event: bar\ndata: {"venue":"binance","symbol":"BTC-USDT","interval":"1m","o":"x"}\n\n`);
    r.feed.raw(`event: bar\ndata: ${JSON.stringify({ ...BARS[107], symbol: "ETH-USDT" })}\n\n`);
    await waitFor("skips", () => {
      const s = svc.runner.status().barsSkipped;
      return s.feed_not_ok === 2 && s.invalid === 1;
    });
    r.clock.t += 10_000;
    svc.tick();
    r.feed.heartbeat(true);
    await waitFor("feed ok", () => svc.runner.status().feedReason === "ok");
    r.feed.publish(BARS.slice(107, 108));
    await waitFor(
      "bar 107 decided",
      () => svc.runner.status().lastDecidedOpenTimeMs === BARS[107].openTimeMs,
    );

    r.clock.t += 30_001; // nothing arrives for longer than feed_stale_after_s
    svc.tick();
    await waitFor(
      "stale stream replaced",
      () => r.feed.streamRequests.length === 2 && svc.runner.status().connected,
    );
    await svc.stop();

    const evs = await r.events();
    assert.deepEqual(decidedIdx(evs), [100, 101, 102, 103, 104, 107]);
    assert.deepEqual(ofType(evs, "heartbeat").map((e) => [e.feed_ok, e.reason]), [
      [false, "feed_not_ok"],
      [false, "stale"],
    ]);
    assert.equal(r.feed.streamRequests[1], `binance|BTC-USDT|1m|${BARS[107].openTimeMs}`);
    assert.ok(r.logs.some((l) => l.includes('"invalid bar"')));
  } finally {
    await r.cleanup();
  }
});

Deno.test("restart: runs over the same bars and events file decide each bar once and resume the position", async () => {
  const r = await rig();
  try {
    r.feed.publish(BARS.slice(0, 100), false);
    const one = await r.start();
    await waitFor("stream open", () => one.runner.status().connected);
    r.feed.publish(BARS.slice(100, 590));
    await waitFor("bar 589", () => one.runner.status().lastDecidedOpenTimeMs === BARS[589].openTimeMs);
    assert.equal(one.runner.status().position, 1); // long since 583: the restart must carry it
    await one.stop();

    r.feed.publish(BARS.slice(590, 640), false); // closed while we were down
    r.feed.replay = "all"; // a naive feed that replays its whole store on every connect
    const two = await r.start();
    assert.equal(two.runner.status().position, 1);
    await waitFor("caught up", () => two.runner.status().lastDecidedOpenTimeMs === BARS[639].openTimeMs);
    await waitFor("stream open", () => two.runner.status().connected && r.feed.clients === 1);
    r.feed.publish(BARS.slice(640, 1000));
    await waitFor("bar 999", () => two.runner.status().lastDecidedOpenTimeMs === BARS[999].openTimeMs);
    await two.stop();

    const three = await r.start(); // same bars again: nothing new to decide
    await waitFor("stream open", () => three.runner.status().connected && r.feed.clients === 1);
    await waitFor("replay deduped", () => three.runner.status().barsSkipped.duplicate === 100 + 1000);
    await three.stop();

    const evs = await r.events();
    assert.deepEqual(decidedIdx(evs), range(100, 1000));
    const want = expectedRun(100, 2, 10, 1);
    const decisions = ofType(evs, "decision");
    assert.deepEqual(
      decisions.filter((d) => d.decision !== "hold").map((d) => idx(d.bar_open_time_ms)),
      [...want.enters, ...want.exits.map((e) => e.i)].filter((i) => i < 1000).sort((a, b) => a - b),
    );
    assert.deepEqual(
      decisions.filter((d) => d.catch_up).map((d) => idx(d.bar_open_time_ms)),
      range(590, 640),
    );
    const exit593 = decisions.find((d) => d.bar_open_time_ms === BARS[593].openTimeMs)!;
    assert.deepEqual([exit593.decision, (exit593.inputs as { position: number }).position], ["exit_long", 1]);
    for (const e of evs) assert.equal(validateEvent(e).ok, true);
  } finally {
    await r.cleanup();
  }
});

Deno.test("/metrics and /health through the handler (no port), feed down; 405 on POST; promtool accepts", async () => {
  const r = await rig();
  try {
    r.feed.up = false;
    const svc = await r.start();
    r.clock.t += 12_500;
    const res = await scrape(svc, "/metrics");
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.equal(metric(body, "shadow_feed_stream_connected"), 0);
    assert.equal(metric(body, "shadow_feed_ok"), 0);
    assert.equal(metric(body, "shadow_last_bar_age_seconds"), 12.5);
    assert.equal(metric(body, "shadow_position"), 0);
    assert.equal(metric(body, 'shadow_decisions_total{decision="hold"}'), 0);
    const h = await scrape(svc, "/health");
    assert.equal(h.status, 200);
    const hj = await h.json();
    assert.deepEqual([hj.status, hj.feed.reason, hj.run_id, hj.symbol, hj.interval], [
      "degraded",
      "disconnected",
      "test-run",
      "BTC-USDT",
      "1m",
    ]);
    const post = await scrape(svc, "/metrics", "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.body?.cancel();
    assert.equal((await scrape(svc, "/nope")).status, 404);
    const check = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
      .spawn();
    const w = check.stdin.getWriter();
    await w.write(new TextEncoder().encode(body));
    await w.close();
    const out = await withDeadline("promtool check metrics to exit", check.output());
    assert.equal(out.code, 0, new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr));
    await svc.stop();
  } finally {
    await r.cleanup();
  }
});
