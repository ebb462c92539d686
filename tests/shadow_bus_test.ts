// shadow_mvs reading its bars from the market bus (BUS_URL) on a real nats-server (startNats, free
// ports), the bars published as real ClosedBar messages through the JetStream MarketBus. Each bar is
// decided exactly once: two publishers of one bar collapse in the stream, a revision of a decided bar
// is counted and never decided again, a message that is not a bar is counted and read past. The
// process killed with SIGKILL mid-stream and started again continues from the next bar: the decision
// records in the events file, keyed by bar, have none missing and none twice.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { resolveBusConfig } from "../lib/bus/bus_config.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import { connectNats } from "../lib/bus/nats_client.ts";
import { startNats } from "../lib/bus/nats_cluster.ts";
import { barSubject } from "../lib/bus/subjects.ts";
import { validateEvent } from "../lib/events/ai_event.ts";
import { jsonLogger } from "../lib/log.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { parseStrategyFile, resolveConfig } from "../lib/shadow/shadow_config.ts";
import { startShadowService } from "../lib/shadow/shadow_service.ts";
import { startScript } from "../testing/script_proc.ts";
import { expectedRun, FIXTURE_BARS, fixtureClosedBars } from "../testing/shadow_fixture.ts";
import { metricSum } from "./feed_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BARS = fixtureClosedBars();
const idx = (openMs: unknown) => FIXTURE_BARS.findIndex((b) => b.t === openMs);

/** The events file's lines; a line torn by SIGKILL is counted, not parsed. */
async function readLines(path: string): Promise<{ events: Record<string, unknown>[]; torn: number }> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const events: Record<string, unknown>[] = [];
  let torn = 0;
  for (const l of text.split("\n")) {
    if (l === "") continue;
    try {
      events.push(JSON.parse(l));
    } catch {
      torn++;
    }
  }
  return { events, torn };
}

const decisions = async (path: string) => (await readLines(path)).events.filter((e) => e.type === "decision");
const barKey = (e: Record<string, unknown>) => `${e.venue}|${e.symbol}|${e.interval}|${e.bar_open_time_ms}`;

function strategyFile(runId: string) {
  return parseStrategyFile({
    strategy: "refstrat_01",
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    stop_atr_k: 2,
    fee_bps: 10,
    size: 1,
    run_id: runId,
    warmup_bars: 100,
    heartbeat_every_s: 10,
    feed_stale_after_s: 30,
    backoff_base_ms: 2,
    backoff_max_ms: 20,
  }, "test.json");
}

Deno.test("shadow on the bus: each bar decided once — duplicates, a revision and a bad message do not decide again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shadow_bus_" });
  const nats = await startNats({ workDir: `${dir}/nats` });
  const env: Record<string, string> = { BUS_URL: nats.urls.join(","), BUS_ACK_TIMEOUT_MS: "2000" };
  const feedA = await JetStreamBus.open(resolveBusConfig(env));
  const feedB = await JetStreamBus.open(resolveBusConfig(env));
  const raw = await connectNats(nats.urls);
  const events = `${dir}/ai/ai_events.jsonl`;
  const cfg = resolveConfig("test.json", strategyFile("bus-run"), (k) => env[k], { events, port: 0 });
  const clock = { t: 1_800_000_000_000 };
  const logs: string[] = [];
  const log = jsonLogger("shadow_mvs", { write: (l) => logs.push(l) });
  try {
    // Another series on the stream, and 100 bars of ours retained before the shadow starts: history.
    await feedA.publishBar({ ...BARS[0], venue: "okx" });
    for (const b of BARS.slice(0, 100)) await feedA.publishBar(b);
    const svc = await startShadowService({ cfg, log, now: () => clock.t, tickEveryMs: null });
    const metrics = async () => await (await svc.handler(new Request("http://x/metrics"))).text();
    try {
      await waitFor("subscribed and primed", () => {
        const s = svc.runner.status();
        return s.connected && s.historyBarsPrimed === 1;
      });
      // Cold: only the newest retained bar primes (priming keeps only the last bar's values).
      assert.equal(svc.runner.lastProcessedOpenTimeMs, BARS[99].openTimeMs);
      for (let i = 100; i < 140; i++) {
        // Two feeds on one venue publish the same bar: the stream keeps one copy.
        const [a, b] = await Promise.all([feedA.publishBar(BARS[i]), feedB.publishBar(BARS[i])]);
        assert.equal(a.seq, b.seq);
        if (i === 111) {
          // A repair of bar 110 after 111 was published: revision 1, other values.
          await feedA.publishBar({ ...BARS[110], c: BARS[110].c + 1, v: BARS[110].v + 1 }, 1);
          // The same bar as revision 1 again from the other feed: one copy.
          await feedB.publishBar({ ...BARS[110], c: BARS[110].c + 1, v: BARS[110].v + 1 }, 1);
          // Not a bar, on our subject: counted, read past.
          const subject = barSubject("binance", "BTC-USDT", "1m");
          await raw.publish(subject, new TextEncoder().encode("{not json"), "junk-1", 2000);
          await raw.publish(subject, new TextEncoder().encode('{"venue":"binance"}'), "junk-2", 2000);
        }
      }
      await waitFor("40 decisions", () => {
        const d = svc.runner.status().decisions;
        return d.enter_long + d.exit_long + d.hold === 40;
      });
      await waitFor("caught up", async () => metricSum(await metrics(), "shadow_bus_lag_messages") === 0);
      // A bar published again after the duplicate window would be a new message: still no decision.
      await feedA.publishBar(BARS[139], 2);
      await waitFor("the late resend read", () => svc.runner.status().barsConsumed === 1 + 40 + 2);

      const s = svc.runner.status();
      assert.deepEqual(s.barsSkipped, { duplicate: 1, invalid: 2, feed_not_ok: 0, corrected: 1 });
      assert.deepEqual([s.historyBarsPrimed, s.connected, s.feedOk, s.reconnects], [1, true, true, 0]);
      const m = await metrics();
      assert.equal(metricSum(m, "shadow_bars_skipped_total", { reason: "invalid" }), 2);
      assert.equal(metricSum(m, "shadow_bars_skipped_total", { reason: "corrected" }), 1);
      assert.equal(metricSum(m, "shadow_feed_stream_connected"), 1);
      assert.equal(metricSum(m, "shadow_bus_lag_messages"), 0);
      assert.ok(logs.some((l) => l.includes("bar corrected by the feed after it was processed")));
    } finally {
      await withDeadline("the shadow service to stop", svc.stop(), 20_000);
    }
    const ds = await decisions(events);
    assert.deepEqual(ds.map((d) => idx(d.bar_open_time_ms)), Array.from({ length: 40 }, (_, i) => 100 + i));
    // Each decision carries its bus sequence: the okx bar is 1, ours 2..101, then one per bar, and
    // after bar 111 the revision and the two bad messages take three sequences.
    const seqs = ds.map((d) => d.bus_seq);
    assert.deepEqual(seqs, ds.map((_, i) => 102 + i + (100 + i > 111 ? 3 : 0)));
    assert.ok(ds.every((d) => validateEvent(d).ok && d.catch_up === false));
    // The decisions equal RefStrat_01's on these bars (the revision came after 111 was decided).
    const want = expectedRun(100, 2, 10, 1);
    const acts = (await readLines(events)).events.filter((e) => e.type === "action");
    assert.deepEqual(
      acts.filter((a) => a.action === "open_long").map((a) => idx(a.bar_open_time_ms)),
      want.enters.filter((i) => i < 140),
    );
  } finally {
    await raw.close();
    await feedA.close(1000);
    await feedB.close(1000);
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shadow CLI on the bus: SIGKILL mid-stream, restart: decisions continue from the next bar, none missing, none twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shadow_bus_kill_" });
  const nats = await startNats({ workDir: `${dir}/nats` });
  const env = { NO_COLOR: "1", BUS_URL: nats.urls.join(","), BUS_ACK_TIMEOUT_MS: "2000" };
  const feed = await JetStreamBus.open(resolveBusConfig(env));
  const events = `${dir}/events.jsonl`;
  const args = ["--config", "config/strategy/refstrat_01.demo.json", "--port", "0", "--events", events];
  const start = () =>
    startScript("scripts/shadow.ts", [...args, "--run-id", "kill-test"], { cwd: ROOT, env });
  const publish = async (bars: readonly ClosedBar[]) => {
    for (const b of bars) await feed.publishBar(b);
  };
  try {
    await publish(BARS.slice(0, 100));
    const first = start();
    try {
      await first.waitFor("stderr", "the bus subscription", /bus subscription open/, 30_000);
      await publish(BARS.slice(100, 110));
      await waitFor("10 decisions", async () => (await decisions(events)).length >= 10, {
        timeoutMs: 20_000,
      });
      // A burst of 50 bars; the process is killed as soon as the first of them are decided.
      const burst = Promise.all(BARS.slice(110, 160).map((b) => feed.publishBar(b)));
      await waitFor("the burst being decided", async () => (await decisions(events)).length >= 12, {
        timeoutMs: 20_000,
        everyMs: 1,
      });
      first.kill("SIGKILL");
      assert.notEqual((await first.finished(20_000)).code, 0);
      await burst; // the rest of the stream goes on while the shadow is down
    } finally {
      await first.close();
    }
    const before = await decisions(events);
    assert.ok(before.length >= 12, `decisions before the kill: ${before.length}`);

    const second = start();
    try {
      await second.waitFor("stderr", "the bus subscription", /bus subscription open/, 30_000);
      await publish(BARS.slice(160, 170));
      await waitFor("every bar decided", async () => (await decisions(events)).length >= 70, {
        timeoutMs: 30_000,
      });
      const { code, stderr } = await second.stop("SIGTERM", 20_000);
      assert.equal(code, 0, stderr);
      assert.match(stderr, new RegExp(`"resume_after_bus_seq":${before.at(-1)!.bus_seq}`));
    } finally {
      await second.close();
    }
    const { events: all, torn } = await readLines(events);
    assert.ok(torn <= 1, `at most the line being written when killed is torn (${torn})`);
    const keys = all.filter((e) => e.type === "decision").map(barKey);
    const want = BARS.slice(100, 170).map((b) => `${b.venue}|${b.symbol}|${b.interval}|${b.openTimeMs}`);
    assert.deepEqual(keys, want);
    // The bars published while it was down are decided after the restart as catch-up.
    const after = all.filter((e) => e.type === "decision").slice(before.length);
    assert.ok(after.length > 0 && after.some((d) => d.catch_up === true));
  } finally {
    await feed.close(1000);
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
