// The WebSocket API connection lifecycle through the venue-sim CLI as a user runs it, with the real
// connector's user stream: the chaos planned cut (--cut-every-s) announces serverShutdown and the
// connector reconnects at once; SIGTERM tells every connection serverShutdown before the simulator goes
// away, and a reconnect during the grace is turned away.
import assert from "node:assert/strict";
import { waitFor } from "../lib/async/poll.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { UserEvent } from "../lib/trading/venue.ts";
import { KEY, SECRET } from "../testing/binance_connector.ts";
import { startScript } from "../testing/script_proc.ts";

const SCRIPT = new URL("../scripts/venue_sim.ts", import.meta.url).pathname;

async function simWithConnector(extra: string[], chaosLog: string) {
  const child = startScript(SCRIPT, [
    ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
    ...["--trading", "--api-key", KEY, "--api-secret", SECRET, "--no-rate-limits"],
    ...["--chaos-log", chaosLog, ...extra],
  ]);
  const listening = await child.waitFor("stderr", "the listening line", /^.*"msg":"listening".*$/m);
  const url: string = JSON.parse(listening[0]).url;
  const spot = new BinanceSpot(
    {
      rest: { baseUrl: `${url}/binance` },
      userStream: {
        wsApiUrl: `${url.replace("http", "ws")}/binance/ws-api/v3`,
        // A minute's backoff: a reconnect inside the test's deadlines can only be the prompt one.
        backoff: { baseMs: 60_000, maxMs: 60_000, jitter: "none" },
      },
    },
    new ApiCredentials(KEY, SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
  const events: UserEvent[] = [];
  const stop = new AbortController();
  const running = spot.userEvents((e) => events.push(e), stop.signal);
  const lifecycle = () =>
    events.filter((e) => e.type === "stream_up" || e.type === "stream_down")
      .map((e) => e.type === "stream_down" ? `down: ${e.cause}` : "up");
  const close = async () => {
    stop.abort();
    await running;
    await child.close();
  };
  return { child, lifecycle, close };
}

Deno.test("venue-sim --cut-every-s: the WebSocket API gets serverShutdown, the connector is back at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_sim_ws_cut_" });
  const s = await simWithConnector(["--cut-every-s", "1", "--cut-notice-s", "5"], `${dir}/chaos.jsonl`);
  try {
    await waitFor("up, cut, up again", () => s.lifecycle().length >= 3, { timeoutMs: 20_000 });
    assert.deepEqual(s.lifecycle().slice(0, 3), ["up", "down: serverShutdown", "up"]);
    const cuts = Deno.readTextFileSync(`${dir}/chaos.jsonl`).split("\n").filter((l) =>
      l.includes('"ws-api"')
    );
    assert.deepEqual(
      cuts.map((l) => JSON.parse(l)).map((l) => [l.kind, l.venue, l.noticeMs]).slice(0, 1),
      [["cut", "binance", 5_000]],
    );
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("venue-sim SIGTERM: serverShutdown to the connector, no way back in while the server goes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_sim_ws_term_" });
  const s = await simWithConnector([], `${dir}/chaos.jsonl`);
  try {
    await waitFor("stream_up", () => s.lifecycle().length === 1, { timeoutMs: 20_000 });
    const stopped = await s.child.stop("SIGTERM", 20_000);
    assert.equal(stopped.code, 0);
    assert.deepEqual(s.lifecycle(), ["up", "down: serverShutdown"], "the prompt reconnect was turned away");
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
