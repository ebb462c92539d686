// The live loop's configuration: where its state lives, what it trades, its risk limits and the
// timings of its in-flight checker and reconciliation (check every 2 s, 5 retries, as Nautilus; orders
// queried after 10 s, not its 5 s: with the grace that must outlast the connector's request timeout).
// Plain data; `liveStateDir` reads LIVE_STATE_DIR from the env it is given.
import type { RiskLimits } from "../oms/risk.ts";
import { ConfigError } from "../util/errors.ts";

export const DEFAULT_STATE_DIR = "data/live/";

export interface SymbolSpec {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Stands in for the venue's quantity step (atoms) while its filters are unknown (lots.ts); default 1. */
  readonly lotAtoms?: number;
}

export interface LiveConfig {
  /** LIVE_STATE_DIR (default data/live/): event log, snapshots, kill switch, balance baseline. */
  readonly stateDir: string;
  readonly mode: "shadow" | "paper" | "live";
  /** Client id tag: run/strategy (letters, digits, _ and -). */
  readonly tag: string;
  readonly symbols: readonly SymbolSpec[];
  readonly risk: RiskLimits;
  readonly inflight: {
    /** How often the checker looks (ms). */
    readonly intervalMs: number;
    /** An order sent this long ago without an answer is queried (ms). */
    readonly thresholdMs: number;
    /** Queries answered ambiguously (or refused) before the order is reported stuck. */
    readonly retries: number;
  };
  /** How long an order sent but not found at the venue waits before it is settled (binance §8: -2013). */
  readonly missingGraceMs: number;
  /** Flatten positions (reduce-only market orders) and cancel open orders when the switch halts. */
  readonly flattenOnHalt: boolean;
  /** Cancel open orders at shutdown (else they are left open and listed in the log). */
  readonly cancelOnShutdown: boolean;
}

export const DEFAULT_INFLIGHT = { intervalMs: 2_000, thresholdMs: 5_000, retries: 5 } as const;

/** The state dir from LIVE_STATE_DIR, else data/live/. */
export function liveStateDir(env: (name: string) => string | undefined): string {
  const v = env("LIVE_STATE_DIR");
  if (v === undefined || v === "") return DEFAULT_STATE_DIR;
  return v;
}

/**
 * Refuses a config the loop cannot run safely with. `venueTimeoutMs` is the venue connector's request
 * timeout (ExecutionVenue.requestTimeoutMs). An order not found at the venue is settled as final once
 * missingGraceMs has passed since its first "not found"; that query comes after its last send on every
 * path (in-flight checker, warm start, reconnect), so the grace alone must outlast a send's answer.
 */
export function checkLiveConfig(c: LiveConfig, venueTimeoutMs: number): LiveConfig {
  const pos = (n: number, what: string) => {
    if (!(Number.isFinite(n) && n > 0)) throw new ConfigError(`live loop: ${what} must be > 0, got ${n}`);
  };
  pos(c.inflight.intervalMs, "inflight.intervalMs");
  pos(c.inflight.thresholdMs, "inflight.thresholdMs");
  pos(c.inflight.retries, "inflight.retries");
  if (!(c.missingGraceMs > venueTimeoutMs)) {
    throw new ConfigError(
      `live loop: missing grace (${c.missingGraceMs} ms) must exceed the venue connector's request timeout ` +
        `(${venueTimeoutMs} ms), or an order still awaiting its answer could be settled as final`,
    );
  }
  if (c.symbols.length === 0) throw new ConfigError("live loop: no symbols to trade");
  for (const s of c.symbols) {
    if (s.symbol !== s.base + s.quote) {
      throw new ConfigError(`live loop: symbol ${s.symbol} is not base ${s.base} + quote ${s.quote}`);
    }
  }
  // Equity (ledger.ts equityOf) adds every holding in the quote asset: a second quote asset, or a base
  // that is the quote, would add atoms of different assets as one (and trip the limits on nothing).
  const quotes = [...new Set(c.symbols.map((s) => s.quote))].sort();
  const baseQuote = c.symbols.find((s) => s.base === quotes[0]);
  if (quotes.length > 1 || baseQuote) {
    const got = quotes.length > 1
      ? `the symbols quote in ${quotes.join(", ")}`
      : `${baseQuote!.symbol} has it as base`;
    throw new ConfigError(`live loop: equity, drawdown and daily loss are in one quote asset, but ${got}`);
  }
  return c;
}
