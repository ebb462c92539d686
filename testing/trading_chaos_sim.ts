// The trading simulator on loopback with execution chaos from its re-read chaos file, the real
// connector (lib/trading/binance_spot.ts) pointed at it, and the check that the simulator's ground
// truth (orders and fills truth files) equals what the connector's own queries show. One clock moves
// both sides (a hand-moved wall for the simulator, an offset on the connector's Date.now), so a
// Retry-After passes without sleeping. The market stands still (no ticks): only the test trades.
import assert from "node:assert/strict";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { TradingChaos } from "../lib/sim/trading/trading_chaos.ts";
import type { TradingVenue } from "../lib/sim/trading/venue.ts";
import { REFUSED_EVENT } from "../lib/sim/trading/truth.ts";
import type { VenueSim } from "../lib/sim/venue_sim.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { Outcome } from "../lib/trading/venue.ts";
import { KEY, SECRET } from "./binance_connector.ts";
import { startTradingSim } from "./trading_sim.ts";

export type Row = Record<string, unknown>;

export interface ChaosSim {
  readonly spot: BinanceSpot;
  readonly sim: VenueSim;
  readonly venue: TradingVenue;
  readonly dir: string;
  /** The connector's REST base URL. */
  readonly baseUrl: string;
  /** Another connector on the same clock (e.g. a shorter REST timeout). */
  connect(timeoutMs?: number): BinanceSpot;
  /** Writes the chaos file's `trading` key and has the simulator re-read it now. */
  setChaos(trading: ChaosConfig["trading"]): void;
  /** The connector's clock (real time plus every advance). */
  now(): number;
  /** Moves the simulator's wall clock and the connector's clock on together. */
  advance(ms: number): void;
  /** Moves only the simulator's clock on: the venue runs `ms` ahead of the connector. */
  venueAhead(ms: number): void;
  /** Chaos-log lines other than `config`, without their times (asserts no key or secret in the file). */
  chaosLines(): Row[];
  ordersTruth(): Row[];
  fillsTruth(): Row[];
  close(): Promise<void>;
}

const jsonl = (path: string): Row[] =>
  Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

export async function startChaosSim(
  opts: {
    timeoutMs?: number;
    secret?: string;
    fetch?: typeof fetch;
    /** The venue's sleep for delayed acks (a gate the test releases). */
    wait?: (ms: number) => Promise<void>;
  } = {},
): Promise<ChaosSim> {
  const dir = Deno.makeTempDirSync({ prefix: "tp_trading_chaos_" });
  const chaosFile = `${dir}/chaos.json`;
  const writers = ["chaos", "orders", "fills"].map((n) => JsonlWriter.open(`${dir}/${n}.jsonl`));
  const wall = new ManualWall(1_000_000);
  let skewMs = 0;
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: Date.now(), wallNow: wall.now, chaosFile, chaosLog: writers[0] },
    venue: (sim: VenueSim) => ({
      ordersTruth: writers[1],
      fillsTruth: writers[2],
      chaos: new TradingChaos(() => sim.chaos().trading),
      chaosLog: (e) => sim.chaosLog.record(e),
      wait: opts.wait,
    }),
  });
  const baseUrl = `http://127.0.0.1:${t.server.port}/binance`;
  const now = () => Date.now() + skewMs;
  const connect = (timeoutMs = opts.timeoutMs) =>
    new BinanceSpot(
      {
        rest: { baseUrl, timeoutMs },
        userStream: { wsApiUrl: `ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}` },
      },
      new ApiCredentials(KEY, opts.secret ?? SECRET),
      {
        rest: { fetch: opts.fetch ?? fetch, now },
        userStream: { connect: (u) => new WebSocket(u), now },
      },
    );
  return {
    spot: connect(),
    connect,
    sim: t.sim,
    venue: t.venue,
    dir,
    baseUrl,
    setChaos: (trading) => {
      Deno.writeTextFileSync(chaosFile, JSON.stringify(trading ? { trading } : {}));
      t.sim.reloadChaos();
    },
    now,
    advance: (ms) => {
      wall.advance(ms);
      skewMs += ms;
    },
    venueAhead: (ms) => wall.advance(ms),
    chaosLines: () => {
      const text = Deno.readTextFileSync(`${dir}/chaos.jsonl`);
      assert.ok(!text.includes(KEY) && !text.includes(SECRET), "the chaos log never holds the key or secret");
      return jsonl(`${dir}/chaos.jsonl`).filter((l) => l.kind !== "config")
        .map(({ wallMs: _w, simMs: _s, ...rest }) => rest);
    },
    ordersTruth: () => jsonl(`${dir}/orders.jsonl`),
    fillsTruth: () => jsonl(`${dir}/fills.jsonl`),
    close: async () => {
      await t.close();
      for (const w of writers) w.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function confirmed<T>(o: Outcome<T>, what: string): T {
  if (o.kind !== "confirmed") throw new assert.AssertionError({ message: `${what}: ${JSON.stringify(o)}` });
  return o.value;
}

/** Whole 1e-8 units of a plain decimal string. */
const atoms = (d: string): bigint => {
  const [i, f = ""] = d.split(".");
  return BigInt(i + f.padEnd(8, "0").slice(0, 8));
};

/**
 * The ground truth equals the connector's view, through the connector's own queries: each order's
 * last truth line against the order by client id, the open ones against openOrders, every fill
 * against myTrades, and the USDT the open buys lock against the balance. Turn chaos off first.
 */
export async function assertTruthEqualsConnector(h: ChaosSim, symbol = "BTCUSDT"): Promise<void> {
  const last = new Map<number, Row>();
  // A refused duplicate place (truth.ts) changed no order: not one of the venue's orders.
  for (const l of h.ordersTruth()) if (l.event !== REFUSED_EVENT) last.set(l.orderId as number, l);
  const key = (o: Row) => [o.orderId, o.clientOrderId, o.status, o.executedQty];
  for (const o of last.values()) {
    const q = confirmed(
      await h.spot.queryByClientId(symbol, o.clientOrderId as string),
      `query ${o.clientOrderId}`,
    );
    assert.deepEqual(key(q as unknown as Row), key(o), `order ${o.clientOrderId}`);
  }
  const open = [...last.values()].filter((o) => o.status === "NEW" || o.status === "PARTIALLY_FILLED");
  const seen = confirmed(await h.spot.openOrders(symbol), "openOrders");
  assert.deepEqual(seen.map((o) => o.orderId).sort(), open.map((o) => o.orderId).sort(), "open orders");
  const fills = confirmed(await h.spot.fillsSince(symbol, 0), "myTrades");
  assert.deepEqual(
    fills.map((f) => [f.tradeId, f.orderId, f.price, f.qty]),
    h.fillsTruth().map((f) => [f.id, f.orderId, f.price, f.qty]),
    "fills",
  );
  const locked = open.filter((o) => o.side === "BUY").reduce(
    (sum, o) =>
      sum +
      atoms(o.price as string) * (atoms(o.origQty as string) - atoms(o.executedQty as string)) / 10n ** 8n,
    0n,
  );
  const usdt = confirmed(await h.spot.balances(), "account").find((b) => b.asset === "USDT");
  assert.equal(atoms(usdt?.locked ?? "0"), locked, "USDT locked by the open buys");
}
