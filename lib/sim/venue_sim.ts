// The simulator's engine: simulated clock -> market -> ground truth (bars, JSONL) -> every venue's
// subscribers, with chaos applied per connection. tick() is one step; the server calls it on a
// wall-clock interval, tests call it directly after moving a manual clock.
import type { SymbolName, Venue } from "../market/types.ts";
import { BarBook, type SimBar } from "./bars.ts";
import { BinanceProtocol } from "./binance_ws.ts";
import { BybitProtocol } from "./bybit_ws.ts";
import { type ChaosConfig, ChaosLog } from "./chaos.ts";
import { ChaosRuntime } from "./chaos_runtime.ts";
import { SimClock } from "./clock.ts";
import type { SimConnection } from "./conn.ts";
import type { JsonlWriter } from "./jsonl_writer.ts";
import { KrakenProtocol } from "./kraken_ws.ts";
import { MarketGenerator, type SimTrade, tradePrice, tradeSize } from "./market.ts";
import { OkxProtocol } from "./okx_ws.ts";
import { klineKey, type SimContext, type VenueProtocol } from "./protocol.ts";

export interface VenueSimOptions {
  readonly seed: number;
  readonly startSimMs: number;
  readonly speed: number;
  readonly symbols: readonly SymbolName[];
  readonly venues: readonly Venue[];
  /** Mean trades per simulated second per venue and symbol. */
  readonly tradeRate: number;
  readonly chaos?: ChaosConfig;
  readonly chaosFile?: string;
  readonly groundTruth?: JsonlWriter | null;
  readonly chaosLog?: JsonlWriter | null;
  readonly wallNow?: () => number;
  readonly onWarn?: (msg: string, fields: Record<string, unknown>) => void;
  /** Each trade as it is delivered (the paper matching engine trades against this stream). */
  readonly onTrade?: (t: SimTrade) => void;
  /** After each re-read of the chaos file (the trading venue releases reads it held). */
  readonly onChaosReload?: () => void;
}

/** Forming klines are pushed every 2 simulated seconds (Binance's cadence). */
export const KLINE_PUSH_SIM_MS = 2000;
const RECENT = 50;

export class VenueSim implements SimContext {
  readonly clock: SimClock;
  readonly bars: BarBook;
  readonly protocols: readonly VenueProtocol[];
  readonly conns = new Set<SimConnection>();
  readonly chaosLog: ChaosLog;
  readonly opts: VenueSimOptions;
  readonly tradesByVenue: Record<string, number> = {};
  readonly chaosRuntime: ChaosRuntime;
  readonly #market: MarketGenerator;
  readonly #recent = new Map<string, SimTrade[]>();
  #pending: SimTrade[] = [];
  #simNow: number;
  #lastPushSim = -Infinity;

  constructor(opts: VenueSimOptions) {
    this.opts = opts;
    this.clock = new SimClock({ startSimMs: opts.startSimMs, speed: opts.speed, wallNow: opts.wallNow });
    this.#simNow = opts.startSimMs;
    this.#market = new MarketGenerator({
      seed: opts.seed,
      startMs: opts.startSimMs,
      symbols: opts.symbols,
      venues: opts.venues,
      tradeRate: opts.tradeRate,
    });
    this.bars = new BarBook(opts.venues, this.#market.instruments, {
      onClose: (b) => this.#pushBar(b, true),
    });
    this.chaosLog = new ChaosLog(
      opts.chaosLog ?? null,
      () => ({ wallMs: this.clock.wallNowMs(), simMs: this.#simNow }),
    );
    const all = [
      new BinanceProtocol(this),
      new BybitProtocol(this),
      new OkxProtocol(this),
      new KrakenProtocol(this),
    ];
    this.protocols = all.filter((p) => opts.venues.includes(p.venue));
    this.chaosRuntime = new ChaosRuntime({
      flags: opts.chaos ?? {},
      filePath: opts.chaosFile,
      conns: this.conns,
      protocol: (v) => this.#protocol(v),
      log: this.chaosLog,
      wallNow: () => this.clock.wallNowMs(),
      onWarn: opts.onWarn,
    });
  }

  get instruments() {
    return this.#market.instruments;
  }

  simNow(): number {
    return this.#simNow;
  }

  chaos(): ChaosConfig {
    return this.chaosRuntime.current;
  }

  recentTrades(venue: Venue, symbol: string): readonly SimTrade[] {
    return this.#recent.get(`${venue}|${symbol}`) ?? [];
  }

  /** Re-reads the chaos file (the server does this every wall second) and applies one-shot actions. */
  reloadChaos(): void {
    this.chaosRuntime.reload();
    this.opts.onChaosReload?.();
  }

  dropAll(venue?: Venue): void {
    this.chaosRuntime.dropAll(venue);
  }

  cutAll(venue?: Venue): void {
    this.chaosRuntime.cutAll(venue);
  }

  #protocol(venue: Venue): VenueProtocol {
    return this.protocols.find((p) => p.venue === venue)!;
  }

  /** One step: generate and deliver every trade due by simulated now, close bars, push klines. */
  tick(): void {
    const wall = this.clock.wallNowMs();
    const now = this.clock.simAt(wall);
    if (now > this.#simNow) this.#simNow = now;
    const simNow = this.#simNow;
    if (this.#market.generatedUntilMs <= simNow) {
      for (const t of this.#market.advanceTo(simNow + 1)) this.#pending.push(t);
    }
    let i = 0;
    const truth: unknown[] = [];
    for (; i < this.#pending.length && this.#pending[i].timeMs <= simNow; i++) {
      const t = this.#pending[i];
      this.#deliver(t);
      if (this.opts.groundTruth) truth.push(groundTruthRecord(t));
    }
    if (i > 0) this.#pending = this.#pending.slice(i);
    this.opts.groundTruth?.write(truth);
    this.bars.closeUntil(simNow);
    if (simNow - this.#lastPushSim >= KLINE_PUSH_SIM_MS) {
      this.#lastPushSim = simNow - (simNow % KLINE_PUSH_SIM_MS);
      this.#pushForming();
    }
    this.chaosRuntime.housekeeping(wall);
  }

  #deliver(t: SimTrade): void {
    this.bars.add(t); // closes earlier bars first, so their final frames precede this trade
    this.tradesByVenue[t.venue] = (this.tradesByVenue[t.venue] ?? 0) + 1;
    const key = `${t.venue}|${t.inst.symbol}`;
    const recent = this.#recent.get(key) ?? this.#recent.set(key, []).get(key)!;
    recent.push(t);
    if (recent.length > RECENT) recent.shift();
    this.opts.onTrade?.(t);
    const tk = `trade|${t.inst.symbol}`;
    const ak = `aggTrade|${t.inst.symbol}`;
    for (const c of this.conns) {
      if (c.venue !== t.venue) continue;
      const p = this.#protocol(c.venue);
      if (c.subs.has(tk)) c.sendData(p.tradeFrame(c, tk, t));
      if (c.subs.has(ak)) c.sendData(p.tradeFrame(c, ak, t));
    }
  }

  #pushBar(b: SimBar, closed: boolean): void {
    const key = klineKey(b.inst.symbol, b.interval);
    for (const c of this.conns) {
      if (c.venue !== b.venue || !c.subs.has(key)) continue;
      const f = this.#protocol(c.venue).klineFrame(c, key, b, closed);
      if (f) c.sendData(f);
    }
  }

  #pushForming(): void {
    for (const c of this.conns) {
      for (const key of c.subs.keys()) {
        if (!key.startsWith("kline|")) continue;
        const [, symbol, interval] = key.split("|");
        const b = this.bars.forming(c.venue, symbol, interval as SimBar["interval"]);
        const f = b && this.#protocol(c.venue).klineFrame(c, key, b, false);
        if (f) c.sendData(f);
      }
    }
  }

  /** Counters for GET /sim/health. */
  health(): Record<string, unknown> {
    const connections: Record<string, number> = {};
    for (const v of this.opts.venues) connections[v] = 0;
    for (const c of this.conns) connections[c.venue]++;
    return {
      ok: true,
      seed: this.opts.seed,
      speed: this.opts.speed,
      startSimMs: this.opts.startSimMs,
      simNowMs: this.#simNow,
      symbols: this.opts.symbols,
      venues: this.opts.venues,
      connections,
      tradesByVenue: this.tradesByVenue,
      groundTruthLines: this.opts.groundTruth?.lines ?? null,
      chaos: this.chaosRuntime.current,
      chaosCounts: this.chaosLog.counts,
      chaosFileError: this.chaosRuntime.fileError,
    };
  }
}

/** One ground-truth JSONL record (the trade as the market matched it). */
export function groundTruthRecord(t: SimTrade) {
  return {
    venue: t.venue,
    symbol: t.inst.symbol,
    tradeId: t.tradeId,
    price: tradePrice(t),
    size: tradeSize(t),
    side: t.side,
    venueTimeMs: t.timeMs,
  };
}
