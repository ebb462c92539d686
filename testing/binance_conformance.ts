// What any Binance-speaking venue must answer the connector, as Deno tests one call registers: run
// against lib/sim's private API (tests/sim_connector_conformance_test.ts), and unchanged against any
// other venue that speaks Binance (give its URLs, a key pair it accepts and an order it rests unfilled).
// Only venue-neutral checks: exact codes and states, never a venue's internals.
import assert from "node:assert/strict";
import { waitFor } from "../lib/async/poll.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { OrderRequest, Outcome, UserEvent, VenueOrder } from "../lib/trading/venue.ts";

export interface ConformanceVenue {
  readonly restUrl: string;
  readonly wsApiUrl: string;
  readonly apiKey: string;
  readonly secret: string;
  /** A LIMIT order the venue accepts and leaves resting (valid filters, far from the market). */
  readonly resting: (clientOrderId: string) => OrderRequest;
  close(): Promise<void>;
}

function spotFor(v: ConformanceVenue, apiKey = v.apiKey, secret = v.secret): BinanceSpot {
  return new BinanceSpot(
    { rest: { baseUrl: v.restUrl }, userStream: { wsApiUrl: v.wsApiUrl } },
    new ApiCredentials(apiKey, secret),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
}

/** Client ids unique per run: a simulator with a state file keeps earlier runs' orders. */
const runId = () => `cf${crypto.randomUUID().slice(0, 8)}`;
const brief = (o: Outcome<VenueOrder | readonly VenueOrder[]>) => {
  if (o.kind === "rejected") return `rejected ${o.reason} ${o.code}`;
  if (o.kind === "ambiguous") return `ambiguous ${o.cause}`;
  const v = o.value;
  return "clientOrderId" in v ? `confirmed ${v.clientOrderId} ${v.status}` : `confirmed ${v.length} orders`;
};

export function binanceConformance(label: string, open: () => Promise<ConformanceVenue>): void {
  Deno.test(`${label}: place, query, open orders, cancel by client id — each confirmed, keyed by the order's own id`, async () => {
    const v = await open();
    const spot = spotFor(v);
    const id = `${runId()}-1`;
    try {
      const req = v.resting(id);
      assert.equal(brief(await spot.place(req)), `confirmed ${id} NEW`);
      assert.equal(brief(await spot.queryByClientId(req.symbol, id)), `confirmed ${id} NEW`);
      const open = await spot.openOrders(req.symbol);
      assert.ok(open.kind === "confirmed" && open.value.some((o) => o.clientOrderId === id));
      assert.equal(
        brief(await spot.cancel({ symbol: req.symbol, clientOrderId: id })),
        `confirmed ${id} CANCELED`,
      );
      assert.equal(brief(await spot.queryByClientId(req.symbol, id)), `confirmed ${id} CANCELED`);
      const balances = await spot.balances();
      assert.ok(balances.kind === "confirmed" && balances.value.length > 0);
    } finally {
      await v.close();
    }
  });

  Deno.test(`${label}: definitive rejections carry Binance's codes`, async () => {
    const v = await open();
    const spot = spotFor(v);
    const id = `${runId()}-2`;
    try {
      const req = v.resting(id);
      assert.equal(brief(await spot.place(req)), `confirmed ${id} NEW`);
      assert.equal(brief(await spot.place(req)), "rejected duplicate_client_id -2010");
      assert.equal(brief(await spot.queryByClientId(req.symbol, `${id}x`)), "rejected not_found -2013");
      assert.equal(
        brief(await spot.cancel({ symbol: req.symbol, clientOrderId: `${id}x` })),
        "rejected not_found -2011",
      );
      assert.equal(
        brief(await spotFor(v, v.apiKey, `${v.secret}x`).openOrders(req.symbol)),
        "rejected auth -1022",
      );
      const stranger = "z".repeat(v.apiKey.length);
      assert.equal(brief(await spotFor(v, stranger).openOrders(req.symbol)), "rejected auth -2015");
      await spot.cancel({ symbol: req.symbol, clientOrderId: id });
    } finally {
      await v.close();
    }
  });

  Deno.test(`${label}: the user stream comes up and reports an order's life by its own client id`, async () => {
    const v = await open();
    const spot = spotFor(v);
    const id = `${runId()}-3`;
    const events: UserEvent[] = [];
    const stop = new AbortController();
    const running = spot.userEvents((e) => events.push(e), stop.signal);
    const mine = () =>
      events.flatMap((e) =>
        e.type === "order" && e.order.clientOrderId === id ? [`${e.execType} ${e.order.status}`] : []
      );
    try {
      await waitFor("stream_up", () => events.some((e) => e.type === "stream_up"), { timeoutMs: 10_000 });
      const req = v.resting(id);
      await spot.place(req);
      await spot.cancel({ symbol: req.symbol, clientOrderId: id });
      await waitFor(`NEW and CANCELED for ${id}`, () => mine().length >= 2, { timeoutMs: 10_000 });
      assert.deepEqual(mine(), ["NEW NEW", "CANCELED CANCELED"]);
    } finally {
      stop.abort();
      await running;
      await v.close();
    }
  });
}
