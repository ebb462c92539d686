// The feed and replay CLIs as black boxes: spawn them, assert stdout, stderr and exit code apart.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OKX_FIRST_TRADE, sharedVenueFixtures } from "../testing/shared_fixtures.ts";
import { runScript } from "../testing/script_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FEED = join(ROOT, "scripts/feed.ts");
const REPLAY = join(ROOT, "scripts/replay.ts");
const FIXTURES = sharedVenueFixtures();
const SHARED = FIXTURES.dir;

const cli = (script: string, args: string[], env: Record<string, string> = {}) =>
  runScript(script, args, { cwd: ROOT, env });

Deno.test("feed: a bad config value is one line naming the flag or file, the key and what is allowed, exit 2", async () => {
  const r = await cli(FEED, ["--intervals", "1m,5m", "--port", "0"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    'feed: --intervals: INTERVALS must be a comma list of 1m, 1h (value: "1m,5m")\n',
  );
  const env = await cli(FEED, ["--port", "0"], { STALE_TIMEOUT_MS: "soon" });
  assert.equal(env.code, 2);
  assert.equal(
    env.stderr,
    'feed: config config/env/live.env: STALE_TIMEOUT_MS must be a whole number (value: "soon")\n',
  );
  const mem = await cli(FEED, ["--port", "0"], { STORE_MEMORY_LIMIT: "lots" });
  assert.equal(mem.code, 2);
  assert.equal(
    mem.stderr,
    'feed: config config/env/live.env: STORE_MEMORY_LIMIT must be a size like 128MB or 1GB (value: "lots")\n',
  );
  const url = await cli(FEED, ["--port", "0"], { BYBIT_WS_URL: "http://127.0.0.1:1/x" });
  assert.equal(url.code, 2);
  assert.equal(
    url.stderr,
    'feed: config config/env/live.env: the bybit ws WebSocket URL must start with ws:// or wss://, got "http://127.0.0.1:1/x"\n',
  );
  const file = await cli(FEED, ["--env", "config/env/nope.env"]);
  assert.equal(file.code, 2);
  assert.match(file.stderr, /^feed: cannot read env file config\/env\/nope\.env: /);
});

Deno.test("feed: a bad BUS_URL is one line naming the key, exit 2 before anything starts", async () => {
  const r = await cli(FEED, ["--port", "0"], { BUS_URL: "http://127.0.0.1:4222" });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    'feed: config config/env/live.env: BUS_URL must be nats://host:port[,nats://host:port...] (value: "http://127.0.0.1:4222")\n',
  );
});

Deno.test("feed: a busy port is exit 2 with the PortBusyError line, after the profile line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_cli_" });
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (holder.addr as Deno.NetAddr).port;
    const r = await cli(FEED, ["--port", String(port), "--store", join(dir, "f.duckdb")], {
      FEED_CLOCK: "wall",
    });
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /^feed: profile sim \(config\/env\/live\.env\), venues: simulator at ws:\/\/127\.0\.0\.1:8765; clock wall; /,
    );
    assert.equal(
      r.stderr,
      `feed: port ${port} (live_connector) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${port}'\n`,
    );
  } finally {
    holder.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "replay --venue okx --input <shared fixture>: bare frames -> trades and flushed bars",
  ignore: FIXTURES.ignore,
  fn: async () => {
    FIXTURES.require();
    const input = join(SHARED, "okx/trades.jsonl");
    const frames = Deno.readTextFileSync(input).split("\n").filter((l) => l !== "");
    const trades = await cli(REPLAY, ["--venue", "okx", "--input", input, "--emit", "trades"]);
    assert.equal(trades.code, 0, trades.stderr);
    const rows = trades.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const raw = frames.flatMap((f) => JSON.parse(f).data);
    assert.equal(rows.length, raw.length);
    assert.deepEqual(rows[0], { ...OKX_FIRST_TRADE, receivedAtMs: OKX_FIRST_TRADE.venueTimeMs });
    rows.forEach((r, i) => {
      assert.equal(r.tradeId, raw[i].tradeId);
      assert.equal(r.price, Number(raw[i].px));
      assert.equal(r.venueTimeMs, Number(raw[i].ts));
    });
    // Without --flush the open bars stay open; with it they close, built from every trade.
    const open = await cli(REPLAY, ["--venue", "okx", "--input", input]);
    assert.equal(open.code, 0);
    const flushed = await cli(REPLAY, ["--venue", "okx", "--input", input, "--flush"]);
    assert.equal(flushed.code, 0);
    const openBars = open.stdout === "" ? [] : open.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const bars = flushed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const last1m = bars.filter((b) => b.interval === "1m").at(-1);
    assert.ok(
      !openBars.some((b) => b.openTimeMs === last1m.openTimeMs),
      "the last minute only closes with --flush",
    );
    const h1 = bars.filter((b) => b.interval === "1h");
    assert.equal(h1.length, 1);
    assert.equal(h1[0].trades, rows.length);
    assert.equal(h1[0].o, rows[0].price);
    assert.equal(h1[0].c, rows.at(-1).price);
    assert.equal(h1[0].h, Math.max(...rows.map((r) => r.price)));
    const tally = JSON.parse(flushed.stderr).tally;
    assert.deepEqual(tally, {
      frames: 69,
      kinds: { data: 69 },
      events: rows.length,
      verdicts: { bar_input: rows.length },
      sessions: 1,
      spans: [{ fromMs: rows[0].venueTimeMs, toMs: rows.at(-1).venueTimeMs, frames: 69 }],
      trades: { "BTC-USDT": rows.length },
      recordingGaps: 0,
      gapSpans: [],
      gapIntervals: {},
      dropped: {},
    });
  },
});

Deno.test("replay: bad --emit is exit 2 with one line", async () => {
  const r = await cli(REPLAY, ["--venue", "binance", "--input", "/dev/null", "--emit", "bars,trades"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'replay: --emit must be bars or trades, got "bars,trades"\n');
});
