// The simulated market: one shared mid-price walk per symbol, and per-venue trade streams around it.
// Everything for simulated second s is drawn from RNGs keyed by (seed, s), so the trades of a time
// range are the same however the run is chunked: advanceTo(a); advanceTo(b) == advanceTo(b).
import type { Side, SymbolName, Venue } from "../market/types.ts";
import { type Instrument, instrument } from "./instruments.ts";
import { hash32, keyedRng, normal, poisson } from "./rng.ts";

export interface MarketConfig {
  readonly seed: number;
  /** First simulated instant of the market, ms; no trade is earlier. */
  readonly startMs: number;
  readonly symbols: readonly SymbolName[];
  readonly venues: readonly Venue[];
  /** Mean trades per simulated second per venue and symbol. */
  readonly tradeRate: number;
}

/** One trade as the simulated venue matched it. Price and size are integer ticks and lots. */
export interface SimTrade {
  readonly venue: Venue;
  readonly inst: Instrument;
  /** Venue trade id as sent on the wire (Bybit ids exceed 2^53, so always a string). */
  readonly tradeId: string;
  /** Per venue-symbol sequence number behind the id (Binance t, OKX tradeId, Kraken trade_id). */
  readonly idNum: number;
  /** Bybit-style cross sequence. */
  readonly crossSeq: number;
  readonly priceTicks: number;
  readonly sizeLots: number;
  readonly side: Side;
  readonly timeMs: number;
}

/** Per-second log volatility of the mid (about 90% a year) and a weak pull back to the start. */
const SIGMA = 1e-4;
const KAPPA = 1e-5;
/** Per-venue constant basis (±1.5 bp) and per-trade noise (±1 bp) around the shared mid. */
const BASIS_BP = 1.5;
const NOISE_BP = 1;

interface Stream {
  readonly venue: Venue;
  readonly inst: Instrument;
  readonly basis: number;
  readonly idBase: number;
  count: number;
  crossSeq: number;
}

function idBase(seed: number, venue: Venue, symbol: SymbolName): number {
  const h = hash32(seed, `id|${venue}|${symbol}`);
  switch (venue) {
    case "binance":
      return 3_000_000_000 + (h % 100_000_000);
    case "bybit":
      return 1_000_000_000 + (h % 100_000_000);
    case "okx":
      return 500_000_000 + (h % 100_000_000);
    case "kraken":
      return 80_000_000 + (h % 10_000_000);
  }
}

function tradeIdString(venue: Venue, n: number): string {
  // Bybit spot ids look like "2290000001189048101": numeric, 19 digits, above 2^53.
  return venue === "bybit" ? "2290000" + String(n).padStart(12, "0") : String(n);
}

export class MarketGenerator {
  readonly #cfg: MarketConfig;
  readonly #insts: Instrument[];
  readonly #logMid: number[];
  readonly #logStart: number[];
  readonly #streams: Stream[] = [];
  /** Next simulated second (epoch seconds) to generate. */
  #nextSecond: number;

  constructor(cfg: MarketConfig) {
    this.#cfg = cfg;
    this.#insts = cfg.symbols.map(instrument);
    this.#logStart = this.#insts.map((i) => Math.log(i.startPrice));
    this.#logMid = [...this.#logStart];
    this.#nextSecond = Math.floor(cfg.startMs / 1000);
    for (const venue of cfg.venues) {
      for (const inst of this.#insts) {
        const basis = (keyedRng(cfg.seed, `b|${venue}|${inst.symbol}`)() - 0.5) * 2 * BASIS_BP * 1e-4;
        const base = idBase(cfg.seed, venue, inst.symbol);
        this.#streams.push({ venue, inst, basis, idBase: base, count: 0, crossSeq: base * 37 });
      }
    }
  }

  get instruments(): readonly Instrument[] {
    return this.#insts;
  }

  /** Simulated ms up to which trades have been generated (exclusive). */
  get generatedUntilMs(): number {
    return this.#nextSecond * 1000;
  }

  /**
   * Generates every whole simulated second that starts before `untilMs` and returns its trades in
   * time order (ties: venue order, then symbol order). Trades may lie past untilMs, up to the end of
   * that second; callers hold them until due.
   */
  advanceTo(untilMs: number): SimTrade[] {
    const out: SimTrade[] = [];
    while (this.#nextSecond * 1000 < untilMs) {
      this.#second(this.#nextSecond, out);
      this.#nextSecond++;
    }
    return out;
  }

  #second(s: number, out: SimTrade[]): void {
    const { seed, startMs, tradeRate } = this.#cfg;
    const from = out.length;
    const startLog = this.#logMid.slice();
    for (let i = 0; i < this.#insts.length; i++) {
      const z = normal(keyedRng(seed, `p|${this.#insts[i].symbol}|${s}`));
      this.#logMid[i] += SIGMA * z - KAPPA * (this.#logMid[i] - this.#logStart[i]);
    }
    for (const st of this.#streams) {
      const rng = keyedRng(seed, `t|${st.venue}|${st.inst.symbol}|${s}`);
      const k = poisson(rng, tradeRate);
      if (k === 0) continue;
      const offsets: number[] = [];
      for (let j = 0; j < k; j++) offsets.push(Math.floor(rng() * 1000));
      offsets.sort((a, b) => a - b);
      const i = this.#insts.indexOf(st.inst);
      const p10 = 10 ** st.inst.priceDecimals;
      const s10 = 10 ** st.inst.sizeDecimals;
      for (const off of offsets) {
        const timeMs = s * 1000 + off;
        const noise = (rng() - 0.5) * 2 * NOISE_BP * 1e-4;
        const sizeDraw = st.inst.meanSize * Math.exp(0.8 * normal(rng) - 0.32);
        const side: Side = rng() < 0.5 ? "buy" : "sell";
        const seqStep = 1 + Math.floor(rng() * 40);
        if (timeMs < startMs) continue; // before the market opened
        const logMid = startLog[i] + (this.#logMid[i] - startLog[i]) * (off / 1000);
        const idNum = st.idBase + st.count++;
        st.crossSeq += seqStep;
        out.push({
          venue: st.venue,
          inst: st.inst,
          tradeId: tradeIdString(st.venue, idNum),
          idNum,
          crossSeq: st.crossSeq,
          priceTicks: Math.max(1, Math.round(Math.exp(logMid) * (1 + st.basis + noise) * p10)),
          sizeLots: Math.max(1, Math.round(sizeDraw * s10)),
          side,
          timeMs,
        });
      }
    }
    // Streams were appended venue by venue; a stable sort by time keeps that order on ties.
    const chunk = out.splice(from).sort((a, b) => a.timeMs - b.timeMs);
    for (const t of chunk) out.push(t);
  }
}

/** Pure helper: every trade of the market in [cfg.startMs, toMs), in emission order. */
export function generateTrades(cfg: MarketConfig, toMs: number): SimTrade[] {
  return new MarketGenerator(cfg).advanceTo(toMs).filter((t) => t.timeMs < toMs);
}

/** Decimal value of a trade's price or size (for ground truth and JSON numbers). */
export function tradePrice(t: SimTrade): number {
  return t.priceTicks / 10 ** t.inst.priceDecimals;
}

export function tradeSize(t: SimTrade): number {
  return t.sizeLots / 10 ** t.inst.sizeDecimals;
}
