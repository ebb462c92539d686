// The live loop reading its bars from the market bus (BUS_URL) on a real nats-server (startNats, free
// ports), the bars published as real ClosedBar messages through the JetStream MarketBus, the loop
// trading RefStrat_01 in paper mode on the venue simulator's private API through the real Binance
// connector. Each bar is decided once: two feeds publishing one bar collapse in the stream, a revision
// of a decided bar moves the mark (as the feed's re-published correction does over SSE) and never
// decides again, a restart reads on from the bus sequence saved with the last decision. The CLI killed
// with SIGKILL mid-stream and started again continues from the next bar: none missing, none twice, and
// the venue holds one order per bar that led to one.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../lib/async/poll.ts";
import { resolveBusConfig } from "../lib/bus/bus_config.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import { startNats } from "../lib/bus/nats_cluster.ts";
import { barCorrelationId, strategyStateFile } from "../lib/live/bar_strategy.ts";
import type { LiveService } from "../lib/live/service.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { bootOms } from "../lib/oms/boot.ts";
import { KEY, SECRET, startConnectorSim } from "../testing/binance_connector.ts";
import { ordersTruth } from "../testing/live_loop.ts";
import { crossBar, startPaperService } from "../testing/live_service.ts";
import { startScript } from "../testing/script_proc.ts";
import { metricSum } from "./feed_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const U = 100_000_000;
type Row = Record<string, unknown>;

Deno.test("live loop on the bus: each bar decided once — two feeds, a revision, a restart reads on after the saved bus_seq", async () => {
  const s = await startConnectorSim();
  const dir = await Deno.makeTempDir({ prefix: "tp_live_bus_" });
  const nats = await startNats({ workDir: join(dir, "nats") });
  const env = { BUS_URL: nats.urls.join(","), BUS_ACK_TIMEOUT_MS: "2000" };
  const feedA = await JetStreamBus.open(resolveBusConfig(env));
  const feedB = await JetStreamBus.open(resolveBusConfig(env));
  const stateDir = join(dir, "state");
  const lines: Row[] = [];
  const pump = (what: string, cond: () => boolean | Promise<boolean>) =>
    waitFor(what, async () => (s.timers.advance(0), await cond()), { timeoutMs: 15_000, everyMs: 10 });
  let svc: LiveService | null = null;
  const up = async () => {
    // LIVE_FEED_URL points nowhere: with BUS_URL set the loop never asks the feed.
    svc = await startPaperService(s, { stateDir, feedUrl: "http://127.0.0.1:9", lines, env });
    await pump("bus subscription open", () => svc!.feed.connected);
    await pump("user stream up", () => svc!.loop.snapshot().stream.state === "up");
    return svc;
  };
  const decided = () => lines.filter((l) => l.msg === "live_loop.strategy_decision");
  /** Both feeds publish `b`: one message in the stream, its sequence. */
  const both = async (b: ClosedBar, revision?: number) => {
    const [x, y] = await Promise.all([feedA.publishBar(b, revision), feedB.publishBar(b, revision)]);
    assert.deepEqual([x.seq, y.duplicate || x.duplicate], [y.seq, true]);
    return x.seq;
  };
  const saved = async () => JSON.parse(await Deno.readTextFile(strategyStateFile(stateDir, "rs01")));
  try {
    let v = await up();
    s.tick(1_000); // the simulated market prints: a MARKET order fills against them
    const t0 = s.t.sim.clock.nowMs();
    const [b1, b2, b3, b4] = [
      crossBar(t0, 99, 100), // warm-up: no previous EMAs
      crossBar(t0 + 60_000, 101, 100), // cross up: BUY
      crossBar(t0 + 120_000, 102, 100), // hold
      crossBar(t0 + 180_000, 99, 100), // cross down: SELL the position
    ];
    await both(b1);
    const seq2 = await both(b2);
    await pump("two decisions", () => decided().length === 2);
    await pump("the buy filled", () => v.loop.orders()[0]?.state === "FILLED");
    assert.equal((await saved()).bus_seq, seq2, "the bus sequence is saved with the decision");

    // A repair of b2 (revision 1, another close) from both feeds: the loop takes it as its mark, as over
    // SSE; the strategy counts it corrected, decides nothing, orders nothing.
    await both({ ...b2, c: 60_600, h: 60_600 }, 1);
    await pump("the revision", () => v.strategy!.counts.corrected === 1);
    const btc = () => v.loop.snapshot().positions.find((p) => p.symbol === "BTCUSDT");
    assert.equal(btc()?.mark, 60_600 * U);
    assert.deepEqual([v.strategy!.counts.decided, v.loop.orders().length], [2, 1]);

    // Down while b3 and b4 are published; the restart reads from the saved sequence + 1: the revision
    // again (a resend now: its memory is gone), then b3 and b4, decided as they come.
    await v.stop();
    svc = null;
    await both(b3);
    const seq4 = await both(b4);
    v = await up();
    assert.equal(v.startMode, "warm");
    const opened = lines.filter((l) => l.msg === "bus subscription open");
    assert.deepEqual(opened.map((l) => l.from_seq), [1, seq2 + 1]);
    await pump("the sell filled", () => v.loop.orders()[1]?.state === "FILLED");
    await pump("four decisions", () => decided().length === 4);
    assert.equal(v.strategy!.counts.duplicate, 1);
    assert.equal((await saved()).bus_seq, seq4);

    // b4 again as a new message (revision 2, same values: a late resend): no decision, no order.
    await feedA.publishBar(b4, 2);
    await pump("the resend", () => v.strategy!.counts.duplicate === 2);
    const metrics = await (await fetch(`${v.shell.url}/metrics`)).text();
    assert.equal(metricSum(metrics, "live_loop_bus_lag_messages"), 0);

    assert.deepEqual(decided().map((l) => [l.bar, l.decision, l.order]), [
      [b1.openTimeMs, "hold", null],
      [b2.openTimeMs, "enter_long", "rs01-1"],
      [b3.openTimeMs, "hold", null],
      [b4.openTimeMs, "exit_long", "rs01-2"],
    ]);
    assert.deepEqual(v.loop.orders().map((o) => [o.clientOrderId, o.side, o.correlationId]), [
      ["rs01-1", "BUY", barCorrelationId("rs01", "BTCUSDT", b2)],
      ["rs01-2", "SELL", barCorrelationId("rs01", "BTCUSDT", b4)],
    ]);
    // The venue's own record: one order per bar that led to one.
    const placed = ordersTruth(s).filter((l) => l.event === "NEW").map((l) => l.clientOrderId);
    assert.deepEqual(placed, ["rs01-1", "rs01-2"]);
  } finally {
    await (svc as LiveService | null)?.stop();
    await feedA.close(1000);
    await feedB.close(1000);
    await nats.stop();
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The loop's decision lines in a child's stderr (JSON log lines). */
const decisionsIn = (stderr: string): Row[] =>
  stderr.split("\n").filter((l) => l.includes('"live_loop.strategy_decision"')).map((l) => JSON.parse(l));

Deno.test("live CLI on the bus: SIGKILL mid-stream, warm restart: decisions continue from the next bar, none missing, none twice, no order twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_live_bus_kill_" });
  const nats = await startNats({ workDir: join(dir, "nats") });
  const busEnv = { BUS_URL: nats.urls.join(","), BUS_ACK_TIMEOUT_MS: "2000" };
  const feed = await JetStreamBus.open(resolveBusConfig(busEnv));
  const ordersFile = join(dir, "orders_truth.jsonl");
  const sim = startScript("scripts/venue_sim.ts", [
    ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
    ...["--trading", "--api-key", KEY, "--api-secret", SECRET, "--orders-truth", ordersFile],
  ], { cwd: ROOT, env: { NO_COLOR: "1" } });
  // The shipped paper config, with room for a burst of catch-up orders on bars up to an hour old.
  const paper = JSON.parse(await Deno.readTextFile(join(ROOT, "config/live/paper.json")));
  const config = join(dir, "live.json");
  const risk = { ...paper.risk, max_bar_age_s: 7_200, max_orders_per_second: 1_000 };
  await Deno.writeTextFile(config, JSON.stringify({ ...paper, risk }));
  const stateDir = join(dir, "state");
  // Cycles of four bars: below, cross up (BUY), hold, cross down (SELL what is held), closing up to now.
  const N = 48, base = Date.now() - N * 60_000;
  const EMAS = [[99, 100], [101, 100], [102, 100], [99, 100]];
  const bars = Array.from(
    { length: N },
    (_, i) => crossBar(base + (i + 1) * 60_000, ...EMAS[i % 4] as [number, number]),
  );
  const publish = async (bs: readonly ClosedBar[]) => {
    for (const b of bs) await feed.publishBar(b);
  };
  try {
    const listening = await sim.waitFor(
      "stderr",
      "the simulator's listening line",
      /^.*"msg":"listening".*$/m,
    );
    const simUrl = JSON.parse(listening[0]).url as string;
    const env = {
      ...busEnv,
      NO_COLOR: "1",
      LIVE_STATE_DIR: stateDir,
      LIVE_FEED_URL: "http://127.0.0.1:9", // never asked: the bars come from the bus
      PEAK_TRADE_AI_EVENTS_JSONL: join(dir, "ai_events.jsonl"),
      BINANCE_TRADING_PROFILE: "paper",
      BINANCE_TRADE_REST_URL: `${simUrl}/binance`,
      BINANCE_TRADE_WS_API_URL: `${simUrl.replace("http", "ws")}/binance/ws-api/v3`,
      BINANCE_API_KEY: KEY,
      BINANCE_API_SECRET: SECRET,
    };
    const start = () =>
      startScript("scripts/live.ts", ["--port", "0", "--config", config], { cwd: ROOT, env });
    const ready = /^live_loop: http:\/\/\S+\/ \(start (cold|warm), status ready/m;

    const first = start();
    let run1: Row[];
    let killedAt: { bar_open_time_ms: number; bus_seq: number };
    try {
      await first.waitFor("stdout", "the first loop ready", ready, 60_000);
      await publish(bars.slice(0, 8));
      await waitFor("8 decisions", () => decisionsIn(first.text("stderr")).length === 8, {
        timeoutMs: 30_000,
      });
      // A burst of the rest; killed as soon as the first of them are decided.
      const burst = publish(bars.slice(8, 40));
      await waitFor("the burst being decided", () => decisionsIn(first.text("stderr")).length >= 10, {
        timeoutMs: 30_000,
        everyMs: 1,
      });
      first.kill("SIGKILL");
      assert.equal((await first.finished(20_000)).signal, "SIGKILL");
      await burst; // the stream goes on while the loop is down
      run1 = decisionsIn(first.text("stderr"));
      killedAt = JSON.parse(await Deno.readTextFile(strategyStateFile(stateDir, "rs01")));
    } finally {
      await first.close();
    }
    // What run 1 decided: what it logged, and at most one more — saved (durable before any order) but
    // killed before its line was written.
    const lastSaved = bars.findIndex((b) => b.openTimeMs === killedAt.bar_open_time_ms);
    const logged1 = run1.map((d) => bars.findIndex((b) => b.openTimeMs === d.bar));
    assert.ok(lastSaved >= logged1.length - 1 && lastSaved <= logged1.length, `saved ${lastSaved}`);
    assert.deepEqual(logged1, Array.from({ length: logged1.length }, (_, i) => i));
    assert.equal(killedAt.bus_seq, lastSaved + 1, "one stream message per bar: bar i is sequence i + 1");

    const second = start();
    let run2: Row[];
    try {
      await second.waitFor("stdout", "the warm restart ready", /\(start warm, status ready/, 60_000);
      await second.waitFor(
        "stderr",
        "the bus subscription",
        new RegExp(`"from_seq":${killedAt.bus_seq + 1}\\b`),
      );
      await publish(bars.slice(40));
      await waitFor(
        "every bar decided",
        () => decisionsIn(second.text("stderr")).at(-1)?.bar === bars[N - 1].openTimeMs,
        {
          timeoutMs: 60_000,
        },
      );
      const { code, stderr } = await second.stop("SIGTERM", 30_000);
      assert.equal(code, 0, stderr);
      run2 = decisionsIn(stderr);
    } finally {
      await second.close();
    }
    // Run 2 decided exactly the bars after the last one run 1 saved, each once, in order.
    assert.deepEqual(
      run2.map((d) => bars.findIndex((b) => b.openTimeMs === d.bar)),
      Array.from({ length: N - 1 - lastSaved }, (_, i) => lastSaved + 1 + i),
    );

    // The venue's truth against the loop's own record: every order placed once, none refused as a
    // duplicate, each for a different bar the strategy acted on.
    const truth = (await Deno.readTextFile(ordersFile)).split("\n").filter((l) => l).map((l) =>
      JSON.parse(l)
    );
    assert.equal(truth.filter((l) => l.event === "REFUSED").length, 0);
    const placed = truth.filter((l) => l.event === "NEW").map((l) => l.clientOrderId as string);
    assert.equal(new Set(placed).size, placed.length);
    const book = (await bootOms(stateDir)).book;
    const byId = new Map([...book.orders()].map((o) => [o.clientOrderId, o]));
    const cids = placed.map((id) => byId.get(id)?.correlationId);
    assert.equal(new Set(cids).size, cids.length, "no bar ordered twice");
    const acted = new Set(
      [...run1, ...run2].filter((d) => d.decision !== "hold").map((d) => `rs01:BTCUSDT:1m:${d.bar}`),
    );
    acted.add(barCorrelationId("rs01", "BTCUSDT", bars[lastSaved])); // the saved, unlogged one (if any)
    assert.ok(cids.every((c) => c !== undefined && acted.has(c)), JSON.stringify(cids));
    assert.ok(placed.length >= 4, `orders placed: ${placed.length}`);
  } finally {
    await feed.close(1000);
    await nats.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
