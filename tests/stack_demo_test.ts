// The real demo stack on free ports: venue simulator (60x, chaos file) -> feed -> shadow strategy ->
// events file -> exporter, scraped by a real Prometheus with the demo rules, alerting into a real
// Alertmanager. (1) Every Grafana panel expression passes promtool and returns data from that
// Prometheus. (2) Chaos: the simulator stalls one symbol on one venue; FeedStalled for exactly that
// venue/symbol reaches Alertmanager (API v2) within a bound, nothing else stalls, and it resolves
// within a bound once the chaos file is cleared.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AmAlert, getAlerts, waitForAlert } from "../lib/alerting/am_client.ts";
import { checkDashboardsAgainst, type PanelCheck } from "../testing/check_dashboards.ts";
import { FEED_DASHBOARDS, loadDashboards } from "../testing/dashboard_panels.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { runTool } from "../lib/prom/tools.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { sleep } from "../lib/async/sleep.ts";
import { withDemoStack } from "../testing/demo_stack.ts";
import { MINUTE } from "./feed_support.ts";
import { compare, storedBars, truthBars } from "./feed_truth.ts";

/** The feed's stale timeout here (live.env says 15 s): a shorter wait, the same mechanism. */
const STALE_MS = 5000;
/** Stall -> firing in Alertmanager: stale timeout + `for` + chaos reload, scrape, eval and slack. */
const FIRE_BOUND_MS = 40_000;
/** Chaos cleared -> gone from Alertmanager's active alerts. */
const RESOLVE_BOUND_MS = 20_000;
const STALLED = { venue: "okx", symbol: "BTC-USDT" };
const PAIRS = ["binance", "bybit", "okx", "kraken"].flatMap((v) =>
  ["BTC-USDT", "ETH-USDT"].map((s) => `${v}/${s}`)
).sort();

async function promSeries(promUrl: string, q: string): Promise<string[]> {
  const r = await instantQuery(promUrl, q);
  assert.equal(r.ok, true, `${q}: ${r.error}`);
  return r.samples.map((s) => `${s.metric.venue}/${s.metric.symbol}`).sort();
}

/** `name{labels} value` lines of the feed's /metrics whose name matches, as `labels -> value`. */
async function feedSeries(feedUrl: string, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${feedUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /venue="([^"]+)",symbol="([^"]+)"\} (\S+)$/.exec(line);
    if (m) out[`${m[1]}/${m[2]}`] = Number(m[3]);
  }
  return out;
}

/** Polls Alertmanager in the background and keeps every FeedStalled label set it ever saw. */
function watchFeedStalled(amUrl: string) {
  const seen = new Set<string>();
  let running = true;
  const done = (async () => {
    while (running) {
      const r = await getAlerts(amUrl);
      for (const a of r.alerts) {
        if (a.labels.alertname !== "FeedStalled") continue;
        seen.add(`${a.labels.venue ?? "-"}/${a.labels.symbol ?? "-"}/${a.labels.interval ?? "-"}`);
      }
      await sleep(250);
    }
  })().catch((err) => {
    seen.add(`watch failed: ${err}`);
  });
  return {
    seen,
    async stop() {
      running = false;
      await done;
    },
  };
}

Deno.test("demo stack: every panel returns data; a stalled symbol fires FeedStalled into Alertmanager and resolves", async (t) => {
  await withDemoStack("tp_stack_demo_", { staleMs: STALE_MS }, async (s, dir) => {
    const { promUrl, amUrl } = s;
    // Every venue/symbol's 1m bars rising in Prometheus: the stack is flowing end to end.
    const rising = await pollUntil(
      async () => {
        const r = await promSeries(promUrl, 'increase(feed_bars_total{interval="1m"}[5s]) > 0');
        return r.length === PAIRS.length ? r : undefined;
      },
      40_000,
      500,
    );
    assert.deepEqual(rising, PAIRS, "1m bars rising for every venue/symbol");

    await t.step("every panel expression passes promtool and returns data from the demo stack", async () => {
      // The feed dashboards (Trading and System Health need the live loop and node-exporter:
      // tests/oncall_bots_stack_test.ts).
      const exprs = (await loadDashboards(undefined, FEED_DASHBOARDS)).flatMap((p) =>
        p.queries.map((q) => q.expr)
      );
      assert.equal(exprs.length, 32);
      const file = join(dir, "panels.yml");
      const groups = [{ name: "panels", rules: exprs.map((expr, i) => ({ record: `panel:${i}`, expr })) }];
      await Deno.writeTextFile(file, JSON.stringify({ groups }));
      const checked = await runTool("promtool", ["check", "rules", file]);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.match(checked.stdout, /SUCCESS: 32 rules found/);
      // Rates need two scrapes with changes (and the shadow strategy's decisions): wait, bounded.
      let last: PanelCheck[] = [];
      await pollUntil(
        async () => {
          last = await checkDashboardsAgainst(promUrl, undefined, fetch, FEED_DASHBOARDS);
          return last.every((c) => c.resultCount > 0) ? true : undefined;
        },
        45_000,
        1000,
      );
      const empty = last.filter((c) => c.resultCount === 0).map((c) =>
        `${c.panel}: ${c.expr} ${c.error ?? ""}`
      );
      assert.deepEqual(empty, []);
      assert.equal(last.length, 32);
      assert.deepEqual(last.filter((c) => c.error !== undefined), []);
    });

    await t.step(
      "okx BTC-USDT stalls: FeedStalled for it alone fires in Alertmanager, then resolves",
      async () => {
        const before = await getAlerts(amUrl);
        assert.equal(before.ok, true, before.error);
        assert.deepEqual(before.alerts.filter((a) => a.labels.alertname === "FeedStalled"), []);
        const watch = watchFeedStalled(amUrl);
        try {
          const t0 = Date.now();
          await Deno.writeTextFile(s.chaosFile, JSON.stringify({ stall: [STALLED] }));
          const fired = await waitForAlert(amUrl, "FeedStalled", "firing", FIRE_BOUND_MS, {
            labels: STALLED,
            everyMs: 250,
          });
          const firedAfterMs = Date.now() - t0;
          assert.equal(
            fired.reached,
            true,
            `no firing FeedStalled within ${FIRE_BOUND_MS} ms: ${fired.last.raw}`,
          );
          assert.equal(fired.alerts.length, 1);
          const a: AmAlert = fired.alerts[0];
          assert.deepEqual(a.labels, {
            alertname: "FeedStalled",
            severity: "critical",
            venue: "okx",
            symbol: "BTC-USDT",
            job: "live_connector",
            instance: new URL(s.feedUrl).host,
          });
          assert.equal(a.annotations.summary, "No live data for okx BTC-USDT");
          assert.equal(a.annotations.runbook_url, "runbooks/livefeed.md#feedstalled");
          assert.deepEqual(a.receivers.map((r) => r.name), ["critical"]);
          // The feed says which symbol stalled, and nothing else; its bars come from REST meanwhile.
          assert.deepEqual(await promSeries(promUrl, "feed_symbol_stalled == 1"), ["okx/BTC-USDT"]);
          // Includes, not equals: the start hour's gap of any symbol is backfilled whenever the simulated
          // hour ends, which may fall in this window.
          const backfilled = await promSeries(
            promUrl,
            'increase(feed_backfilled_bars_total{venue="okx"}[10s]) > 0',
          );
          assert.ok(backfilled.includes("okx/BTC-USDT"), `backfilled: ${backfilled}`);
          const sim = await (await fetch(`${s.simUrl}/sim/health`)).json();
          assert.ok(sim.chaosCounts.stalled > 0, JSON.stringify(sim.chaosCounts));

          const t1 = Date.now();
          await Deno.writeTextFile(s.chaosFile, "{}");
          const resolved = await waitForAlert(amUrl, "FeedStalled", "resolved", RESOLVE_BOUND_MS, {
            labels: STALLED,
            everyMs: 250,
          });
          const resolvedAfterMs = Date.now() - t1;
          assert.equal(
            resolved.reached,
            true,
            `still active ${resolvedAfterMs} ms after: ${resolved.last.raw}`,
          );
          console.log(
            `stall -> firing in Alertmanager: ${firedAfterMs} ms; clear -> resolved: ${resolvedAfterMs} ms`,
          );
          assert.deepEqual(await promSeries(promUrl, "feed_symbol_stalled == 1"), []);
        } finally {
          await watch.stop();
        }
        // Over the whole episode Alertmanager only ever saw the stalled symbol, and only its stall.
        assert.deepEqual([...watch.seen], ["okx/BTC-USDT/-"]);
        const stalls = await feedSeries(s.feedUrl, "feed_symbol_stalls_total");
        assert.deepEqual(stalls, Object.fromEntries(PAIRS.map((k) => [k, k === "okx/BTC-USDT" ? 1 : 0])));
        assert.deepEqual((await (await fetch(`${s.simUrl}/sim/health`)).json()).chaos, {});
        // Let the stall's gaps (closed once data came back) be backfilled before stopping.
        const url = `${s.feedUrl}/api/bars?venue=okx&symbol=BTC-USDT&interval=1m&limit=3`;
        const rebuilt = await pollUntil(
          async () => {
            const bars = await (await fetch(url)).json();
            return bars.at(-1)?.origin === "trades" ? true : undefined;
          },
          15_000,
          250,
        );
        assert.equal(rebuilt, true, "okx BTC-USDT bars built from trades again");
      },
    );

    await t.step(
      "after stop: the stall window is backfilled bars, never flat ones; every bar equals the truth",
      async () => {
        await s.stop();
        const stalledSimMs = Deno.readTextFileSync(join(dir, "chaos.jsonl")).split("\n").filter((l) => l)
          .map((l) => JSON.parse(l)).filter((e) => e.kind === "stalled").map((e) => e.simMs as number);
        assert.ok(stalledSimMs.length > 0);
        const floorMin = (ms: number) => ms - (ms % MINUTE);
        // Minutes wholly inside the stall (no frame of okx BTC-USDT reached the feed).
        const from = floorMin(Math.min(...stalledSimMs)) + MINUTE;
        const to = floorMin(Math.max(...stalledSimMs)) - MINUTE;
        const bars = await storedBars(join(dir, "feed.duckdb"));
        const okx = bars.filter((b) => b.venue === "okx" && b.symbol === "BTC-USDT" && b.interval === "1m");
        const inStall = okx.filter((b) => b.openTimeMs >= from && b.openTimeMs <= to);
        assert.ok(inStall.length >= STALE_MS / 1000, `${inStall.length} stalled minutes`);
        assert.equal(inStall.length, (to - from) / MINUTE + 1, "every stalled minute stored");
        assert.deepEqual([...new Set(inStall.map((b) => b.origin))], ["backfill"]);
        assert.deepEqual(okx.filter((b) => b.origin === "flat"), []);
        for (let i = 1; i < okx.length; i++) assert.equal(okx[i].openTimeMs - okx[i - 1].openTimeMs, MINUTE);
        assert.deepEqual(compare(bars, truthBars(join(dir, "truth.jsonl"))), []);
      },
    );
  });
});
