// End to end: spawn `scripts/replay.ts` and check stdout, stderr and exit code apart.
import assert from "node:assert/strict";
import { join } from "node:path";
import { FEATURE_KEYS } from "../lib/features/feature_set.ts";
import { closeTo, type FixtureBar, loadReferencePair } from "../testing/reference_fixture.ts";
import { runScript } from "../testing/script_proc.ts";

const SCRIPT = new URL("../scripts/replay.ts", import.meta.url).pathname;
const FIXTURE = new URL("./fixtures/indicators/ohlcv_1m.json", import.meta.url).pathname;
const pair = await loadReferencePair();

const replay = (...args: string[]) => runScript(SCRIPT, args);

function assertReference(stdout: string) {
  const rows = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(rows.length, 2000);
  const bad: string[] = [];
  rows.forEach((r, i) => {
    assert.deepEqual(Object.keys(r), ["t", ...FEATURE_KEYS]);
    assert.equal(r.t, pair.t[i]);
    for (const k of FEATURE_KEYS) if (!closeTo(r[k], pair.values[k][i])) bad.push(`${k}[${i}] ${r[k]}`);
  });
  assert.deepEqual(bad.slice(0, 5), []);
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "replay_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("replay --bars on the fixture matches the TA-Lib reference at every index of every key", async () => {
  const r = await replay("--bars", FIXTURE);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assertReference(r.stdout);
});

Deno.test("replay --bars reads a JSON array and JSON lines the same way", () =>
  withDir(async (dir) => {
    const arr = join(dir, "bars.json");
    const jsonl = join(dir, "bars.jsonl");
    await Deno.writeTextFile(arr, JSON.stringify(pair.bars));
    await Deno.writeTextFile(jsonl, pair.bars.map((b) => JSON.stringify(b)).join("\n") + "\n");
    const a = await replay("--bars", arr);
    const b = await replay("--bars", jsonl);
    assert.equal(a.code, 0);
    assert.equal(b.code, 0);
    assertReference(a.stdout);
    assert.equal(b.stdout, a.stdout);
  }));

Deno.test("replay --bars: bad input gives one line naming the place and the field, exit 2", () =>
  withDir(async (dir) => {
    const cases: [string, string, RegExp][] = [
      [
        "a.json",
        JSON.stringify([pair.bars[0], { ...pair.bars[1], c: "61000" }]),
        /bars\[1\]: field "c" must be a finite number > 0, got "61000"$/,
      ],
      [
        "b.jsonl",
        `${JSON.stringify(pair.bars[0])}\n${JSON.stringify({ ...pair.bars[1], v: -1 })}\n`,
        /line 2: field "v" must be a finite number >= 0, got -1$/,
      ],
      ["c.jsonl", `${JSON.stringify(pair.bars[0])}\n{"t":1,\n`, /line 2: not valid JSON/],
      [
        "d.json",
        JSON.stringify({ bars: [pair.bars[1], pair.bars[0]] }),
        /bars\[1\]: field "t" must increase/,
      ],
      ["e.json", JSON.stringify([{ ...pair.bars[0], t: 1.5 }]), /bars\[0\]: field "t" must be an integer/],
      ["f.json", JSON.stringify([{ ...pair.bars[0], h: 1 }]), /bars\[0\]: field "h" 1 is below o, l or c$/],
    ];
    for (const [name, text, want] of cases) {
      await Deno.writeTextFile(join(dir, name), text);
      const r = await replay("--bars", join(dir, name));
      assert.equal(r.code, 2, name);
      assert.equal(r.stdout, "", name);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
      assert.match(lines[0], want, name);
    }
    const missing = await replay("--bars", join(dir, "nope.json"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^replay: cannot read .*nope\.json/);
    const usage = await replay("--venue", "binance");
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, "replay: --venue and --input go together\n");
  }));

/** Binance @trade frames that rebuild fixture bars: open, high, low, close. */
function binanceFrames(bars: readonly FixtureBar[]): string[] {
  const lines: string[] = [];
  let id = 1000;
  for (const b of bars) {
    const q = b.v / 4;
    const sizes = [q, q, q, b.v - 3 * q];
    [b.o, b.h, b.l, b.c].forEach((p, k) => {
      const T = b.t + 1000 * (k + 1);
      const raw = JSON.stringify({
        e: "trade",
        E: T + 1,
        s: "BTCUSDT",
        t: id++,
        p: String(p),
        q: String(sizes[k]),
        T,
        m: k % 2 === 0,
      });
      lines.push(JSON.stringify({ receivedAtMs: T + 5, raw }));
    });
  }
  return lines;
}

Deno.test("replay --venue binance: recorded frames -> mapper -> bars -> features, with a tally", () =>
  withDir(async (dir) => {
    const bars = pair.bars.slice(0, 40);
    const frames = binanceFrames(bars);
    frames.splice(10, 0, frames[9]); // a duplicate trade
    frames.splice(20, 0, JSON.stringify({ receivedAtMs: bars[4].t, raw: "{not json" }));
    const input = join(dir, "binance.jsonl");
    await Deno.writeTextFile(input, frames.join("\n") + "\n");
    const r = await replay("--venue", "binance", "--input", input);
    assert.equal(r.code, 0, r.stderr);
    const closed = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const m1 = closed.filter((b) => b.interval === "1m");
    assert.equal(m1.length, 39, "the last minute is still forming when the recording ends");
    m1.forEach((b, i) => {
      assert.deepEqual([b.openTimeMs, b.o, b.h, b.l, b.c, b.trades, b.origin], [
        bars[i].t,
        bars[i].o,
        bars[i].h,
        bars[i].l,
        bars[i].c,
        4,
        "trades",
      ]);
      for (const k of FEATURE_KEYS) assert.ok(closeTo(b.features[k], pair.values[k][i]), `${k}[${i}]`);
    });
    const { tally, dq } = JSON.parse(r.stderr);
    assert.deepEqual(tally, {
      frames: 162,
      kinds: { data: 161, dropped: 1 },
      events: 161,
      verdicts: { bar_input: 160, duplicate: 1 },
      sessions: 1,
      spans: [{ fromMs: bars[0].t + 1005, toMs: bars[39].t + 4005, frames: 162 }],
      trades: { "BTC-USDT": 160 },
      recordingGaps: 0,
      gapSpans: [],
      gapIntervals: {},
      dropped: { duplicate: 1, malformed_json: 1 },
    });
    assert.equal(dq.find((x: { symbol: string }) => x.symbol === "BTC-USDT").counters.duplicates, 1);
    assert.equal(dq.find((x: { symbol: string }) => x.symbol === "*").counters.invalid, 1);
  }));
