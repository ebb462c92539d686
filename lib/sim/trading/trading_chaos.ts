// Execution chaos config: the `trading` key of the chaos file (and venue-sim flags), and the seeded
// per-call decisions it drives. Pure: the same seed and the same sequence of calls give the same
// faults, so tests assert exact outcomes. Which knob does what (binance_trading.md §4):
//   ackLostPlacedRate         order placed, reply -1007/503 (the client must query to learn it exists)
//   ack5xxUnplacedRate        reply -1007/503 and the order never reached the engine
//   ackDelayMs                placements no other ack fault hit are acked this many wall ms late
//   fillStreamBeforeTradesMs  a fill stays out of myTrades this long (the user stream has it first)
//   tradesBeforeStreamMs      user events are held this long (myTrades has the fill first)
//   userStreamStall           WebSocket API silent: no events, no replies (ping too); sockets stay open
//   userStreamDropEveryS      every WebSocket API connection is closed (1011) this often
//   ackConnectionClosedRate   order placed, then the connection dies mid-reply (no complete answer)
//   burst5xx                  `calls` signed REST calls (of every `everyCalls`) get 502, unprocessed
//   storm429                  `calls` REST calls (of every `everyCalls`) get 429 -1003, unprocessed; with
//                             `routes`, only calls to those routes count and are hit (e.g. the place alone)
//   orphans                   orders someone else placed on the account (web_<id>), each placed once
//   vanishClientOrderIds      open orders with these client ids expire without a user-data event (while listed)
//   cancelFillRaceRate        share of cancels that lose the race to a fill at the order's limit
//   holdSignedReads           signed REST GETs wait unanswered until the knob is dropped (read_hold.ts)
// Windows of calls count from when their knob's value last changed (a re-read with the same value
// does not restart them), so a test or an operator knows exactly which calls are hit.
import { z } from "zod";
import { mulberry32, type Rng } from "../../util/mulberry32.ts";
import { CLIENT_ID } from "./validate.ts";
import type { AckFault } from "./ack_faults.ts";

const Rate = z.number().min(0).max(1);
const Ms = z.number().int().min(0).max(600_000);
const Calls = z.number().int().min(1).max(1_000_000_000);
/** `calls` calls, then (with `everyCalls`) again at the start of every `everyCalls`. */
const CallWindow = z.object({ calls: Calls, everyCalls: Calls.optional() }).strict().refine(
  (w) => w.everyCalls === undefined || w.everyCalls > w.calls,
  { message: "everyCalls must be more than calls" },
);
const Decimal = z.string().regex(/^[0-9]{1,20}(\.[0-9]{1,18})?$/, "a plain decimal string");

/** An order placed on the account by someone else (the web UI): client id `web_<id>`, a resting LIMIT GTC. */
export const OrphanSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9]{1,32}$/, "1 to 32 letters or digits"),
  symbol: z.string().min(1),
  side: z.enum(["BUY", "SELL"]),
  price: Decimal,
  quantity: Decimal,
  /** Default: the account of the first API key. */
  account: z.string().min(1).optional(),
}).strict();

export type OrphanSpec = z.infer<typeof OrphanSchema>;

export const TradingChaosSchema = z.object({
  /** Seed of the per-call draws (default 1); a change restarts the sequence. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  ackLostPlacedRate: Rate.optional(),
  ack5xxUnplacedRate: Rate.optional(),
  ackDelayMs: Ms.optional(),
  fillStreamBeforeTradesMs: Ms.optional(),
  tradesBeforeStreamMs: Ms.optional(),
  userStreamStall: z.boolean().optional(),
  userStreamDropEveryS: z.number().positive().optional(),
  ackConnectionClosedRate: Rate.optional(),
  burst5xx: CallWindow.optional(),
  storm429: z.object({
    calls: Calls,
    everyCalls: Calls.optional(),
    /** Retry-After seconds sent with each 429 (default 5). */
    retryAfterS: z.number().int().min(1).max(3600).optional(),
    /** Only calls to these routes (as PLACE_ROUTE spells one) count and are hit; default every REST call. */
    routes: z.array(z.string().min(1)).min(1).max(32).optional(),
  }).strict().refine((w) => w.everyCalls === undefined || w.everyCalls > w.calls, {
    message: "everyCalls must be more than calls",
  }).optional(),
  orphans: z.array(OrphanSchema).max(100).optional(),
  vanishClientOrderIds: z.array(z.string().regex(CLIENT_ID)).max(1000).optional(),
  cancelFillRaceRate: Rate.optional(),
  holdSignedReads: z.boolean().optional(),
}).strict().refine(
  (c) => (c.ackLostPlacedRate ?? 0) + (c.ack5xxUnplacedRate ?? 0) + (c.ackConnectionClosedRate ?? 0) <= 1,
  { message: "ackLostPlacedRate + ack5xxUnplacedRate + ackConnectionClosedRate must be at most 1" },
);

export type TradingChaosConfig = z.infer<typeof TradingChaosSchema>;

/** The REST order placement as the chaos names routes (method, space, path). */
export const PLACE_ROUTE = "POST /binance/api/v3/order";

/** The routes that get ack faults: order placement only (a place is the call whose loss costs most). */
export const FAULTED_ROUTES: ReadonlySet<string> = new Set([PLACE_ROUTE, "WS order.place"]);

/** Which ack fault a uniform draw `u` selects for one order placement. */
export function pickAckFault(u: number, c: TradingChaosConfig): AckFault {
  const lost = c.ackLostPlacedRate ?? 0;
  if (u < lost) return { kind: "lost_after" };
  const unplaced = lost + (c.ack5xxUnplacedRate ?? 0);
  if (u < unplaced) return { kind: "fail_before" };
  if (u < unplaced + (c.ackConnectionClosedRate ?? 0)) return { kind: "closed_after" };
  if ((c.ackDelayMs ?? 0) > 0) return { kind: "delay", ms: c.ackDelayMs! };
  return { kind: "none" };
}

/** A call answered by the chaos before the venue sees it (nothing is processed). */
export type GateFault =
  | { readonly kind: "burst_5xx"; readonly call: number }
  | { readonly kind: "storm_429"; readonly call: number; readonly retryAfterS: number };

const inWindow = (n: number, w: { calls: number; everyCalls?: number }) =>
  (w.everyCalls === undefined ? n : n % w.everyCalls) < w.calls;

/** Per-call decisions over a config that may change between calls (the chaos file is re-read). */
export class TradingChaos {
  readonly #config: () => TradingChaosConfig | undefined;
  #seed = -1;
  #rng: Rng = Math.random;
  /** The cancel race's own sequence (same seed, other stream): cancels never shift the place draws. */
  #cancelRng: Rng = Math.random;
  readonly #counts = new Map<string, { key: string; n: number }>();

  constructor(config: () => TradingChaosConfig | undefined) {
    this.#config = config;
  }

  get current(): TradingChaosConfig {
    return this.#config() ?? {};
  }

  /** One draw per faulted call (none for other routes, so their number never shifts the sequence). */
  ackFault(route: string): AckFault {
    const c = this.current;
    if (!FAULTED_ROUTES.has(route)) return { kind: "none" };
    this.#reseed(c);
    return pickAckFault(this.#rng(), c);
  }

  /** One draw per cancel of one open LIMIT order (REST and WebSocket API): whether a fill beats it. */
  cancelLosesRace(): boolean {
    const c = this.current;
    this.#reseed(c);
    return this.#cancelRng() < (c.cancelFillRaceRate ?? 0);
  }

  /** Storm or burst for one REST call to `route` (`signed`: it carries an API key and signature), or null. */
  gateFault(signed: boolean, route: string): GateFault | null {
    const c = this.current;
    if (c.storm429 && (c.storm429.routes === undefined || c.storm429.routes.includes(route))) {
      const n = this.#count("storm429", c.storm429);
      if (inWindow(n, c.storm429)) {
        return { kind: "storm_429", call: n, retryAfterS: c.storm429.retryAfterS ?? 5 };
      }
    }
    if (signed && c.burst5xx) {
      const n = this.#count("burst5xx", c.burst5xx);
      if (inWindow(n, c.burst5xx)) return { kind: "burst_5xx", call: n };
    }
    return null;
  }

  /** This call's number (from 0) under `knob` since its value last changed. */
  #count(knob: string, value: unknown): number {
    const key = JSON.stringify(value);
    let w = this.#counts.get(knob);
    if (!w || w.key !== key) this.#counts.set(knob, w = { key, n: 0 });
    return w.n++;
  }

  #reseed(c: TradingChaosConfig): void {
    const seed = c.seed ?? 1;
    if (seed === this.#seed) return;
    this.#seed = seed;
    this.#rng = mulberry32(seed);
    this.#cancelRng = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  }

  tradesLagMs(): number {
    return this.current.fillStreamBeforeTradesMs ?? 0;
  }

  streamDelayMs(): number {
    return this.current.tradesBeforeStreamMs ?? 0;
  }

  readsHeld(): boolean {
    return this.current.holdSignedReads === true;
  }

  streamStalled(): boolean {
    return this.current.userStreamStall === true;
  }

  /** Whether a WebSocket API connection open `ageMs` wall ms is due for a chaos drop. */
  dropDue(ageMs: number): boolean {
    const s = this.current.userStreamDropEveryS;
    return s !== undefined && ageMs >= s * 1000;
  }
}
