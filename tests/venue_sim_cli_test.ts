// The venue-sim CLI as a user runs it: help, usage errors, a busy port, a short seeded run whose
// ground truth equals the generator's trades, and a graceful stop on SIGTERM.
import assert from "node:assert/strict";
import { generateTrades } from "../lib/sim/market.ts";
import { groundTruthRecord } from "../lib/sim/venue_sim.ts";
import { waitForValue } from "../lib/async/poll.ts";
import { runScript, startScript } from "../testing/script_proc.ts";

const SCRIPT = new URL("../scripts/venue_sim.ts", import.meta.url).pathname;

const cli = (args: string[]) => runScript(SCRIPT, args);

Deno.test("--help exits 0 with usage; a bad flag or value exits 2 with one line", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp venue-sim/);
  const bad = await cli(["--nope"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /^venue-sim: .*--nope/);
  const speed = await cli(["--speed", "0"]);
  assert.deepEqual([speed.code, speed.stderr], [
    2,
    'venue-sim: --speed must be a number from 0.001 to 100000, got "0"\n',
  ]);
  const stall = await cli(["--stall", "nasdaq"]);
  assert.deepEqual([stall.code, stall.stderr], [
    2,
    'venue-sim: --stall entries are venue[:symbol], got "nasdaq"\n',
  ]);
});

Deno.test("a busy port exits 2 naming the port", async () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (holder.addr as Deno.NetAddr).port;
    const r = await cli(["--port", String(port), "--host", "127.0.0.1"]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `venue-sim: port ${port} (venue_sim) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${port}'\n`,
    );
  } finally {
    holder.close();
  }
});

Deno.test("a seeded run writes ground truth equal to the generator's trades, and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  const startMs = 1_767_225_600_000;
  const child = startScript(SCRIPT, [
    "--port",
    "0",
    "--speed",
    "600",
    "--seed",
    "5",
    "--start-ms",
    String(startMs),
    "--symbols",
    "BTC-USDT",
    "--venues",
    "okx,kraken",
    "--ground-truth",
    `${dir}/gt.jsonl`,
  ]);
  try {
    const listening = await child.waitFor(
      "stderr",
      "the simulator's listening line",
      /^.*"msg":"listening".*$/m,
    );
    const url = JSON.parse(listening[0]).url;
    const clock = await (await fetch(`${url}/sim/clock`)).json();
    assert.deepEqual([clock.speed, clock.startSimMs], [600, startMs]);
    // Wait (by polling, not by sleeping a fixed time) until some trades have been written.
    const health = await waitForValue("20 ground-truth lines", async () => {
      const h = await (await fetch(`${url}/sim/health`)).json();
      return h.groundTruthLines >= 20 ? h : undefined;
    });
    assert.deepEqual([health.ok, health.venues, health.symbols], [true, ["okx", "kraken"], ["BTC-USDT"]]);
    const stopped = await child.stop("SIGTERM", 20_000);
    assert.equal(stopped.code, 0);
    assert.match(stopped.stderr, /"msg":"stopped"/);
    const lines = (await Deno.readTextFile(`${dir}/gt.jsonl`)).split("\n");
    assert.equal(lines.pop(), ""); // whole lines only
    assert.ok(lines.length > 0);
    const want = generateTrades({
      seed: 5,
      startMs,
      symbols: ["BTC-USDT"],
      venues: ["okx", "kraken"],
      tradeRate: 1,
    }, JSON.parse(lines.at(-1)!).venueTimeMs + 1);
    assert.deepEqual(lines, want.slice(0, lines.length).map((t) => JSON.stringify(groundTruthRecord(t))));
  } finally {
    await child.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--duration-s stops by itself with exit 0", async () => {
  const r = await cli(["--port", "0", "--speed", "600", "--duration-s", "0.3", "--venues", "binance"]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /"msg":"stopped"/);
});
