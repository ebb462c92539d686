// Execution chaos config: the `trading` key of the chaos file (and venue-sim flags), and the seeded
// per-call decisions it drives. Pure: the same seed and the same sequence of calls give the same
// faults, so tests assert exact outcomes. Which knob does what (binance_trading.md §4):
//   ackLostPlacedRate         order placed, reply -1007/503 (the client must query to learn it exists)
//   ack5xxUnplacedRate        reply -1007/503 and the order never reached the engine
//   ackDelayMs                every other order placement is acked this many wall ms late
//   fillStreamBeforeTradesMs  a fill stays out of myTrades this long (the user stream has it first)
//   tradesBeforeStreamMs      user events are held this long (myTrades has the fill first)
//   userStreamStall           user events are silently not sent; the sockets stay open
//   userStreamDropEveryS      every WebSocket API connection is closed (1011) this often
import { z } from "zod";
import { mulberry32, type Rng } from "../../util/mulberry32.ts";
import type { AckFault } from "./ack_faults.ts";

const Rate = z.number().min(0).max(1);
const Ms = z.number().int().min(0).max(600_000);

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
}).strict().refine(
  (c) => (c.ackLostPlacedRate ?? 0) + (c.ack5xxUnplacedRate ?? 0) <= 1,
  { message: "ackLostPlacedRate + ack5xxUnplacedRate must be at most 1" },
);

export type TradingChaosConfig = z.infer<typeof TradingChaosSchema>;

/** The routes that get ack faults: order placement only (a place is the call whose loss costs most). */
export const FAULTED_ROUTES: ReadonlySet<string> = new Set(["POST /binance/api/v3/order", "WS order.place"]);

/** Which ack fault a uniform draw `u` selects for one order placement. */
export function pickAckFault(u: number, c: TradingChaosConfig): AckFault {
  const lost = c.ackLostPlacedRate ?? 0;
  if (u < lost) return { kind: "lost_after" };
  if (u < lost + (c.ack5xxUnplacedRate ?? 0)) return { kind: "fail_before" };
  if ((c.ackDelayMs ?? 0) > 0) return { kind: "delay", ms: c.ackDelayMs! };
  return { kind: "none" };
}

/** Per-call decisions over a config that may change between calls (the chaos file is re-read). */
export class TradingChaos {
  readonly #config: () => TradingChaosConfig | undefined;
  #seed = -1;
  #rng: Rng = Math.random;

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
    const seed = c.seed ?? 1;
    if (seed !== this.#seed) {
      this.#seed = seed;
      this.#rng = mulberry32(seed);
    }
    return pickAckFault(this.#rng(), c);
  }

  tradesLagMs(): number {
    return this.current.fillStreamBeforeTradesMs ?? 0;
  }

  streamDelayMs(): number {
    return this.current.tradesBeforeStreamMs ?? 0;
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
