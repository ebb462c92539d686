// The real connector (lib/trading/binance_spot.ts) against the simulator's private API over real HTTP and
// WebSocket on loopback, one test per user-stream chaos knob of the chaos file's `trading` key (and the
// vanishing order): the exact events and answers the connector sees, the chaos-log line the knob wrote,
// and at the end the ground truth (--orders-truth / --fills-truth) equal to the connector's own view by
// query, open orders, fills since and balances. Time is the test's: the sim runs on a ManualWall (also
// the connector's clock), held events and the stream's pings/backoff on ManualTimers, fills come from
// the seeded sim's own prints delivered by tick(). Seed 11 from SIM_START_MS: a buy print at +60 ms,
// then a sell print at +65 ms that fills a resting buy at 60000.00 (before any print nothing is
// marketable, so such a buy rests).
import assert from "node:assert/strict";
import { waitFor } from "../lib/async/poll.ts";
import type { Balance, Fill, Outcome, UserEvent, VenueOrder } from "../lib/trading/venue.ts";
import { type ConnectorSim, limit, SIM_START_MS, startConnectorSim } from "../testing/binance_connector.ts";

type Rec = Record<string, unknown>;
const SYMBOL = "BTCUSDT";

const lines = (path: string): Rec[] =>
  Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

/** The chaos log's fault lines without their timestamps. */
const chaosLines = (s: ConnectorSim) =>
  lines(`${s.dir}/chaos.jsonl`).filter((l) => l.kind !== "config").map(({ wallMs: _w, simMs: _s, ...r }) =>
    r
  );

/** Waits for `cond`, firing the ManualTimers' due (zero-delay) timers on each look: the reconnect backoff. */
const pump = (s: ConnectorSim, what: string, cond: () => boolean) =>
  waitFor(what, () => (s.timers.advance(0), cond()), { timeoutMs: 10_000 });

/** A buy resting at 60000.00 until seed 11's first sell print (+65 ms) fills it whole. */
const resting = (id: string) => ({ ...limit(id), price: "60000.00", quantity: "0.00100000" });

/** The maker fill of `resting(id)` by that print: order `orderId`, trade `tradeId`. */
const fillOf = (orderId: number, tradeId: number): Fill => ({
  symbol: SYMBOL,
  tradeId,
  orderId,
  price: "60000.00000000",
  qty: "0.00100000",
  quoteQty: "60.00000000",
  commission: "0.00000100", // maker 10 bps of the BTC bought
  commissionAsset: "BTC",
  timeMs: SIM_START_MS + 65,
  isBuyer: true,
  isMaker: true,
});

const orderEvents = (events: readonly UserEvent[]) =>
  events.flatMap((e) =>
    e.type === "order" ? [`${e.order.clientOrderId} ${e.execType} ${e.order.status}`] : []
  );
const lifecycle = (events: readonly UserEvent[]) =>
  events.flatMap((e) =>
    e.type === "stream_up" ? ["up"] : e.type === "stream_down" ? [`down: ${e.cause}`] : []
  );
const streamFills = (events: readonly UserEvent[]) =>
  events.flatMap((e) => e.type === "order" && e.fill ? [e.fill] : []);

function confirmed<T>(o: Outcome<T>): T {
  if (o.kind !== "confirmed") throw new Error(`expected confirmed, got ${JSON.stringify(o)}`);
  return o.value;
}

/** A truth order line as the connector's VenueOrder (the query answer's fields, Binance's names mapped). */
const truthOrder = (l: Rec): VenueOrder => ({
  symbol: l.symbol as string,
  orderId: l.orderId as number,
  clientOrderId: l.clientOrderId as string,
  status: l.status as VenueOrder["status"],
  side: l.side as VenueOrder["side"],
  type: l.type as string,
  price: l.price as string,
  origQty: l.origQty as string,
  executedQty: l.executedQty as string,
  cumQuoteQty: l.cummulativeQuoteQty as string,
  timeMs: l.time as number,
  updateTimeMs: l.updateTime as number,
});

const truthFill = (l: Rec): Fill => ({
  symbol: l.symbol as string,
  tradeId: l.id as number,
  orderId: l.orderId as number,
  price: l.price as string,
  qty: l.qty as string,
  quoteQty: l.quoteQty as string,
  commission: l.commission as string,
  commissionAsset: l.commissionAsset as string,
  timeMs: l.time as number,
  isBuyer: l.isBuyer as boolean,
  isMaker: l.isMaker as boolean,
});

/** 8-place decimals as integer atoms and back. */
const atoms = (d: string) => BigInt(d.replace(".", ""));
const dec8 = (a: bigint) => `${a / 100_000_000n}.${(a % 100_000_000n).toString().padStart(8, "0")}`;

/**
 * The balances the truth implies for buys on BTCUSDT from 10,000 USDT: each fill moves its quote out
 * and its quantity less commission in; each open buy locks price × what is left of it.
 */
function truthBalances(orders: readonly VenueOrder[], fills: readonly Fill[]): Balance[] {
  let usdt = 10_000n * 100_000_000n, btc = 0n, locked = 0n;
  for (const f of fills) {
    assert.ok(f.isBuyer && f.commissionAsset === "BTC", "the model covers buys only");
    usdt -= atoms(f.quoteQty);
    btc += atoms(f.qty) - atoms(f.commission);
  }
  for (const o of orders) {
    if (o.status !== "NEW" && o.status !== "PARTIALLY_FILLED") continue;
    locked += atoms(o.price!) * (atoms(o.origQty!) - atoms(o.executedQty!)) / 100_000_000n;
  }
  const out: Balance[] = [{ asset: "USDT", free: dec8(usdt - locked), locked: dec8(locked) }];
  if (btc > 0n) out.unshift({ asset: "BTC", free: dec8(btc), locked: "0.00000000" });
  return out;
}

/** The ground-truth files equal the connector's view: every order by client id, open orders, fills, balances. */
async function assertTruthIsConnectorView(s: ConnectorSim): Promise<void> {
  const last = new Map<string, VenueOrder>();
  for (const l of lines(`${s.dir}/orders.jsonl`)) last.set(l.clientOrderId as string, truthOrder(l));
  for (const [id, o] of last) {
    assert.deepEqual(await s.spot.queryByClientId(SYMBOL, id), { kind: "confirmed", value: o }, id);
  }
  const open = [...last.values()].filter((o) => o.status === "NEW" || o.status === "PARTIALLY_FILLED");
  assert.deepEqual(confirmed(await s.spot.openOrders(SYMBOL)), open);
  const fills = lines(`${s.dir}/fills.jsonl`).map(truthFill);
  assert.deepEqual(confirmed(await s.spot.fillsSince(SYMBOL, 1)), fills);
  assert.deepEqual(confirmed(await s.spot.balances()), truthBalances([...last.values()], fills));
}

Deno.test("fillStreamBeforeTradesMs: the stream has the fill, myTrades not yet; later it does, exactly once", async () => {
  const s = await startConnectorSim({ trading: { fillStreamBeforeTradesMs: 2000 } });
  try {
    const st = s.stream();
    await pump(s, "stream_up", () => lifecycle(st.events).length === 1);
    assert.equal(confirmed(await s.spot.place(resting("lag-1"))).status, "NEW");
    s.tick(100); // sim now +100: the +65 ms sell print fills lag-1
    await pump(s, "lag-1's fill on the stream", () => streamFills(st.events).length === 1);
    assert.deepEqual(orderEvents(st.events), ["lag-1 NEW NEW", "lag-1 TRADE FILLED"]);
    assert.deepEqual(streamFills(st.events), [fillOf(1, 1)]);
    // 35 ms after the fill: myTrades still leaves it out, and says so in the chaos log.
    assert.deepEqual(await s.spot.fillsSince(SYMBOL, 1), { kind: "confirmed", value: [] });
    assert.deepEqual(chaosLines(s), [{
      kind: "trades_lag",
      venue: "binance",
      ms: 2000,
      fills: [{ orderId: 1, tradeId: 1 }],
    }]);
    s.tick(1964); // +2064: 1999 ms after the fill, still hidden
    assert.deepEqual(await s.spot.fillsSince(SYMBOL, 1), { kind: "confirmed", value: [] });
    s.tick(1); // +2065: the lag is over
    assert.deepEqual(await s.spot.fillsSince(SYMBOL, 1), { kind: "confirmed", value: [fillOf(1, 1)] });
    assert.equal(chaosLines(s).length, 2, "one trades_lag line per query that hid the fill, none after");
    // Stream and history together hold the fill once (the trade id is the dedupe key), and the stream
    // never repeats it.
    const history = confirmed(await s.spot.fillsSince(SYMBOL, 1));
    const byTradeId = new Map([...streamFills(st.events), ...history].map((f) => [f.tradeId, f]));
    assert.deepEqual([...byTradeId.values()], [fillOf(1, 1)]);
    assert.equal(streamFills(st.events).length, 1);
    await assertTruthIsConnectorView(s);
    assert.deepEqual(lifecycle(st.events), ["up"]);
  } finally {
    await s.close();
  }
});

Deno.test("tradesBeforeStreamMs: myTrades has the fill first; the stream's events come that much later", async () => {
  const s = await startConnectorSim({ trading: { tradesBeforeStreamMs: 500 } });
  try {
    const st = s.stream();
    await pump(s, "stream_up", () => lifecycle(st.events).length === 1);
    assert.equal(confirmed(await s.spot.place(resting("held-1"))).status, "NEW");
    s.tick(100);
    // The venue holds the events on the test's timers: none can have left yet.
    assert.deepEqual(await s.spot.fillsSince(SYMBOL, 1), { kind: "confirmed", value: [fillOf(1, 1)] });
    assert.deepEqual(orderEvents(st.events), []);
    assert.deepEqual(chaosLines(s), [
      {
        kind: "user_stream_delay",
        venue: "binance",
        ms: 500,
        orders: [{ clientOrderId: "held-1", orderId: 1 }],
      },
      {
        kind: "user_stream_delay",
        venue: "binance",
        ms: 500,
        orders: [{ clientOrderId: "held-1", orderId: 1 }],
      },
    ]);
    s.timers.advance(499);
    assert.deepEqual(orderEvents(st.events), []);
    s.timers.advance(1);
    await pump(s, "held-1's events", () => orderEvents(st.events).length === 2);
    assert.deepEqual(orderEvents(st.events), ["held-1 NEW NEW", "held-1 TRADE FILLED"]);
    assert.deepEqual(streamFills(st.events), [fillOf(1, 1)], "the late stream fill is the one myTrades had");
    await assertTruthIsConnectorView(s);
    assert.deepEqual(lifecycle(st.events), ["up"]);
  } finally {
    await s.close();
  }
});

Deno.test("userStreamStall: events are lost on a socket that still answers pings, so the stream stays up; REST tells the truth", async () => {
  const s = await startConnectorSim({ userStream: { pingEveryMs: 1000, answerTimeoutMs: 500 } });
  try {
    const st = s.stream();
    await pump(s, "stream_up", () => lifecycle(st.events).length === 1);
    s.setTrading({ userStreamStall: true });
    assert.equal(confirmed(await s.spot.place(resting("stall-1"))).status, "NEW");
    s.tick(100); // fills stall-1 (its events are dropped on delivery, queued after this call)
    assert.equal(confirmed(await s.spot.queryByClientId(SYMBOL, "stall-1")).status, "FILLED");
    const stalled = {
      kind: "user_stream_stall",
      venue: "binance",
      orders: [{ clientOrderId: "stall-1", orderId: 1 }],
    };
    assert.deepEqual(chaosLines(s), [stalled, stalled]);
    // The connector's stall detection is an unanswered `ping`: this venue answers it.
    s.timers.advance(1000);
    await pump(s, "the answer to the ping", () => s.frames.some((f) => JSON.parse(f).id === "ping-2"));
    s.timers.advance(500);
    assert.deepEqual(lifecycle(st.events), ["up"], "a stall that answers pings is not seen by the stream");
    assert.deepEqual(orderEvents(st.events), [], "both of stall-1's events were lost");
    // Only a query showed what happened.
    await assertTruthIsConnectorView(s);
    // The stall ends: the same session carries the next order's events.
    s.setTrading({});
    assert.equal(confirmed(await s.spot.place({ ...resting("stall-2"), price: "50000.00" })).status, "NEW");
    await pump(s, "stall-2's NEW", () => orderEvents(st.events).length === 1);
    assert.deepEqual(orderEvents(st.events), ["stall-2 NEW NEW"]);
    assert.deepEqual(lifecycle(st.events), ["up"]);
    assert.deepEqual(chaosLines(s), [stalled, stalled]);
    await assertTruthIsConnectorView(s);
  } finally {
    await s.close();
  }
});

Deno.test("userStreamDropEveryS: the venue closes the socket 1011; stream_down, a fresh subscription, stream_up", async () => {
  const s = await startConnectorSim({ trading: { userStreamDropEveryS: 5 } });
  try {
    const st = s.stream();
    await pump(s, "stream_up", () => lifecycle(st.events).length === 1);
    assert.equal(confirmed(await s.spot.place(resting("drop-1"))).status, "NEW");
    await pump(s, "drop-1's NEW", () => orderEvents(st.events).length === 1);
    s.wall.advance(4999);
    s.t.venue.housekeeping(s.wall.now());
    assert.deepEqual(chaosLines(s), []);
    s.wall.advance(1);
    s.t.venue.housekeeping(s.wall.now());
    assert.deepEqual(chaosLines(s), [{
      kind: "user_stream_drop",
      venue: "binance",
      connections: 1,
      ageMs: 5000,
    }]);
    await waitFor("stream_down", () => lifecycle(st.events).length === 2, { timeoutMs: 10_000 });
    assert.deepEqual(lifecycle(st.events), ["up", "down: closed 1011"]);
    // Down, the reconnect not yet due (its backoff waits on the test's timers): the fill is not on any stream.
    s.tick(100);
    assert.equal(confirmed(await s.spot.queryByClientId(SYMBOL, "drop-1")).status, "FILLED");
    await pump(s, "stream_up again", () => lifecycle(st.events).length === 3);
    assert.deepEqual(lifecycle(st.events), ["up", "down: closed 1011", "up"]);
    const subscribes = s.frames.map((f) => JSON.parse(f)).filter((f) =>
      f.result?.subscriptionId !== undefined
    );
    assert.deepEqual(subscribes.map((f) => [f.id, f.status]), [
      ["userDataStream.subscribe.signature-1", 200],
      ["userDataStream.subscribe.signature-1", 200],
    ], "one subscription per connection");
    assert.deepEqual(orderEvents(st.events), ["drop-1 NEW NEW"], "the fill fell between the two sessions");
    assert.equal(confirmed(await s.spot.place({ ...resting("drop-2"), price: "50000.00" })).status, "NEW");
    await pump(s, "drop-2's NEW", () => orderEvents(st.events).length === 2);
    assert.deepEqual(orderEvents(st.events), ["drop-1 NEW NEW", "drop-2 NEW NEW"]);
    await assertTruthIsConnectorView(s);
  } finally {
    await s.close();
  }
});

Deno.test("a vanishing order: gone without an event; the query says EXPIRED, open orders no longer list it", async () => {
  const s = await startConnectorSim();
  try {
    const st = s.stream();
    await pump(s, "stream_up", () => lifecycle(st.events).length === 1);
    const placed = confirmed(await s.spot.place(resting("gone-1")));
    await pump(s, "gone-1's NEW", () => orderEvents(st.events).length === 1);
    assert.equal(s.t.venue.vanish(placed.orderId, s.t.sim.clock.nowMs()), true);
    // Events arrive in order on the one socket: had the vanish sent one, it would precede gone-2's NEW.
    assert.equal(confirmed(await s.spot.place({ ...resting("gone-2"), price: "50000.00" })).status, "NEW");
    await pump(s, "gone-2's NEW", () => orderEvents(st.events).length === 2);
    assert.deepEqual(orderEvents(st.events), ["gone-1 NEW NEW", "gone-2 NEW NEW"]);
    assert.deepEqual(await s.spot.queryByClientId(SYMBOL, "gone-1"), {
      kind: "confirmed",
      value: {
        symbol: SYMBOL,
        orderId: 1,
        clientOrderId: "gone-1",
        status: "EXPIRED",
        side: "BUY",
        type: "LIMIT",
        price: "60000.00000000",
        origQty: "0.00100000",
        executedQty: "0.00000000",
        cumQuoteQty: "0.00000000",
        timeMs: SIM_START_MS,
        updateTimeMs: SIM_START_MS,
      },
    });
    assert.deepEqual(confirmed(await s.spot.openOrders(SYMBOL)).map((o) => o.clientOrderId), ["gone-2"]);
    assert.deepEqual(
      lines(`${s.dir}/orders.jsonl`).map((l) => [l.event, l.clientOrderId, l.status, l.expiryReason]),
      [
        ["NEW", "gone-1", "NEW", undefined],
        ["EXPIRED", "gone-1", "EXPIRED", "EXCHANGE_CANCELED"],
        ["NEW", "gone-2", "NEW", undefined],
      ],
    );
    assert.deepEqual(chaosLines(s), [{
      kind: "vanish",
      venue: "binance",
      clientOrderId: "gone-1",
      orderId: 1,
    }]);
    await assertTruthIsConnectorView(s);
  } finally {
    await s.close();
  }
});
