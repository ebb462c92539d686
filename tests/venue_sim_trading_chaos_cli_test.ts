// Execution chaos through the venue-sim CLI as a user runs it: a flag turns on "5xx, not placed", the
// re-read chaos file then switches to "ack lost, placed"; the real connector sees ambiguous both times
// and only a query tells them apart. The chaos log names each fault and order, never the key.
import assert from "node:assert/strict";
import { waitForValue } from "../lib/async/poll.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { Outcome, VenueOrder } from "../lib/trading/venue.ts";
import { KEY, limit, SECRET } from "../testing/binance_connector.ts";
import { runScript, startScript } from "../testing/script_proc.ts";

const SCRIPT = new URL("../scripts/venue_sim.ts", import.meta.url).pathname;

const brief = (o: Outcome<VenueOrder>) =>
  o.kind === "rejected"
    ? `rejected ${o.code}`
    : o.kind === "ambiguous"
    ? `ambiguous ${o.httpStatus} ${o.code}`
    : `confirmed ${o.value.clientOrderId} ${o.value.status}`;

const jsonl = (path: string) =>
  Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

Deno.test("venue-sim: --ack-5xx-unplaced-rate, then the chaos file's trading key, each fault logged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_sim_exec_chaos_" });
  const child = startScript(SCRIPT, [
    ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
    ...["--trading", "--api-key", KEY, "--api-secret", SECRET, "--no-rate-limits"],
    ...["--chaos-file", `${dir}/chaos.json`, "--chaos-log", `${dir}/chaos.jsonl`],
    ...["--orders-truth", `${dir}/orders.jsonl`, "--ack-5xx-unplaced-rate", "1"],
  ]);
  try {
    const listening = await child.waitFor("stderr", "the listening line", /^.*"msg":"listening".*$/m);
    const url = JSON.parse(listening[0]).url;
    const spot = new BinanceSpot(
      { rest: { baseUrl: `${url}/binance` }, userStream: { wsApiUrl: `${url.replace("http", "ws")}/x` } },
      new ApiCredentials(KEY, SECRET),
      {
        rest: { fetch, now: () => Date.now() },
        userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
      },
    );
    // Far below the sim's BTC market: accepted and never filled.
    const req = (id: string) => ({ ...limit(id), price: "1000.00", quantity: "0.01000000" });
    assert.equal(brief(await spot.place(req("cli-5xx"))), "ambiguous 503 -1007");
    assert.equal(brief(await spot.queryByClientId("BTCUSDT", "cli-5xx")), "rejected -2013");
    Deno.writeTextFileSync(`${dir}/chaos.json`, '{"trading":{"ack5xxUnplacedRate":0,"ackLostPlacedRate":1}}');
    await waitForValue(
      "the chaos log's config line with the file's trading key",
      () =>
        jsonl(`${dir}/chaos.jsonl`).find((l) =>
          l.kind === "config" && l.chaos.trading?.ackLostPlacedRate === 1
        ),
    );
    assert.equal(brief(await spot.place(req("cli-lost"))), "ambiguous 503 -1007");
    const found = await spot.queryByClientId("BTCUSDT", "cli-lost");
    assert.equal(brief(found), "confirmed cli-lost NEW");
    const stopped = await child.stop("SIGTERM", 20_000);
    assert.equal(stopped.code, 0);
    const text = Deno.readTextFileSync(`${dir}/chaos.jsonl`);
    assert.ok(!text.includes(KEY) && !text.includes(SECRET), "the chaos log never holds the key or secret");
    assert.ok(!/signature|[0-9a-f]{64}/i.test(text), "nor a signature (an HMAC-SHA256 is 64 hex digits)");
    assert.deepEqual(
      jsonl(`${dir}/chaos.jsonl`).filter((l) => l.kind.startsWith("ack_")).map((
        l,
      ) => [l.kind, l.clientOrderId, l.orderId]),
      [["ack_5xx_unplaced", "cli-5xx", undefined], [
        "ack_lost_placed",
        "cli-lost",
        found.kind === "confirmed" ? found.value.orderId : -1,
      ]],
    );
    assert.deepEqual(jsonl(`${dir}/orders.jsonl`).map((l) => [l.event, l.clientOrderId]), [[
      "NEW",
      "cli-lost",
    ]]);
  } finally {
    await child.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("venue-sim: --orphan-orders places someone else's order once; the connector sees it, the truth has it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_sim_exec_chaos_" });
  const child = startScript(SCRIPT, [
    ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
    ...["--trading", "--api-key", KEY, "--api-secret", SECRET, "--no-rate-limits"],
    ...["--chaos-log", `${dir}/chaos.jsonl`, "--orders-truth", `${dir}/orders.jsonl`],
    ...["--orphan-orders", "o1:BTCUSDT:BUY:0.01@1000"],
  ]);
  try {
    const listening = await child.waitFor("stderr", "the listening line", /^.*"msg":"listening".*$/m);
    const url = JSON.parse(listening[0]).url;
    const spot = new BinanceSpot(
      { rest: { baseUrl: `${url}/binance` }, userStream: { wsApiUrl: `${url.replace("http", "ws")}/x` } },
      new ApiCredentials(KEY, SECRET),
      {
        rest: { fetch, now: () => Date.now() },
        userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
      },
    );
    const open = await spot.openOrders("BTCUSDT");
    assert.deepEqual(
      open.kind === "confirmed" && open.value.map((o) => [o.clientOrderId, o.status, o.price]),
      [
        ["web_o1", "NEW", "1000.00000000"],
      ],
    );
    assert.equal(brief(await spot.queryByClientId("BTCUSDT", "web_o1")), "confirmed web_o1 NEW");
    const stopped = await child.stop("SIGTERM", 20_000);
    assert.equal(stopped.code, 0);
    const orderId = open.kind === "confirmed" ? open.value[0].orderId : -1;
    assert.deepEqual(
      jsonl(`${dir}/chaos.jsonl`).filter((l) => l.kind === "orphan_order").map((
        l,
      ) => [l.clientOrderId, l.orderId]),
      [["web_o1", orderId]],
    );
    assert.deepEqual(jsonl(`${dir}/orders.jsonl`).map((l) => [l.event, l.clientOrderId, l.orderId]), [
      ["NEW", "web_o1", orderId],
    ]);
  } finally {
    await child.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("venue-sim: flag and chaos-file rates valid alone but over 1 together are a usage error (exit 2)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_sim_exec_chaos_" });
  try {
    Deno.writeTextFileSync(`${dir}/chaos.json`, '{"trading":{"ack5xxUnplacedRate":0.6}}');
    const r = await runScript(SCRIPT, [
      ...["--port", "0", "--host", "127.0.0.1", "--venues", "binance", "--symbols", "BTC-USDT"],
      ...["--trading", "--api-key", KEY, "--api-secret", SECRET, "--duration-s", "5"],
      ...["--chaos-file", `${dir}/chaos.json`, "--ack-lost-placed-rate", "0.6"],
    ], { timeoutMs: 60_000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--chaos-file: Cannot use chaos flags \+ file: trading: .*must be at most 1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
