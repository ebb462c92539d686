// Test helpers for the venue simulator: an in-process server on port 0 with a hand-driven wall
// clock (no timers: the test calls tick()), and a WebSocket client that queues every frame.
import type { Venue } from "../lib/market/types.ts";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import type { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import type { MarketConfig } from "../lib/sim/market.ts";
import { SimServer } from "../lib/sim/sim_server.ts";
import { VenueSim } from "../lib/sim/venue_sim.ts";
import { withDeadline } from "../lib/async/poll.ts";

/** 2026-01-01T00:00:00Z: a whole hour, so 1m and 1h bars line up with the start. */
export const START_MS = 1_767_225_600_000;
export const WALL0 = 1_000_000;

export interface TestSim {
  readonly sim: VenueSim;
  readonly server: SimServer;
  readonly wall: ManualWall;
  readonly base: string;
  readonly ws: string;
  readonly market: MarketConfig;
  /** Moves simulated time forward (speed 1) and runs one tick. */
  advance(simMs: number): void;
  stop(): Promise<void>;
}

export function startSim(opts: {
  venues?: Venue[];
  symbols?: string[];
  seed?: number;
  chaos?: ChaosConfig;
  chaosFile?: string;
  groundTruth?: JsonlWriter;
  chaosLog?: JsonlWriter;
  tradeRate?: number;
} = {}): TestSim {
  const wall = new ManualWall(WALL0);
  const market: MarketConfig = {
    seed: opts.seed ?? 7,
    startMs: START_MS,
    symbols: opts.symbols ?? ["BTC-USDT", "ETH-USDT"],
    venues: opts.venues ?? ["binance", "bybit", "okx", "kraken"],
    tradeRate: opts.tradeRate ?? 2,
  };
  const sim = new VenueSim({
    seed: market.seed,
    startSimMs: START_MS,
    speed: 1,
    symbols: market.symbols,
    venues: market.venues,
    tradeRate: market.tradeRate,
    chaos: opts.chaos,
    chaosFile: opts.chaosFile,
    groundTruth: opts.groundTruth,
    chaosLog: opts.chaosLog,
    wallNow: wall.now,
  });
  const server = new SimServer(sim, {
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    tickMs: 0,
    chaosReloadMs: 0,
  });
  server.start();
  const base = `http://127.0.0.1:${server.port}`;
  return {
    sim,
    server,
    wall,
    base,
    ws: `ws://127.0.0.1:${server.port}`,
    market,
    advance(simMs: number) {
      wall.advance(simMs);
      sim.tick();
    },
    stop: () => server.stop(),
  };
}

/** A WebSocket client that keeps every text frame in arrival order. */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: string[] = [];
  readonly closed: Promise<CloseEvent>;
  #read = 0;
  #wake: (() => void) | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.onmessage = (e) => {
      this.frames.push(String(e.data));
      this.#wake?.();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        resolve(e);
        this.#wake?.();
      };
    });
  }

  static connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new TestClient(ws));
      ws.onerror = (e) => reject(new Error(`cannot connect to ${url}: ${(e as ErrorEvent).message}`));
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  /** Waits (10 s at most) until `n` frames beyond those already read have arrived; returns them. */
  async take(n: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < this.#read + n) {
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed after ${this.frames.length - this.#read} of ${n} frames`);
      }
      const what = `${n} frames (${this.frames.length - this.#read} arrived)`;
      await withDeadline(
        what,
        new Promise<void>((r) => (this.#wake = r)),
        Math.max(0, deadline - Date.now()),
      );
      this.#wake = null;
    }
    const out = this.frames.slice(this.#read, this.#read + n);
    this.#read += n;
    return out;
  }

  async next(): Promise<string> {
    return (await this.take(1))[0];
  }

  async nextJson(): Promise<Record<string, unknown>> {
    return JSON.parse(await this.next());
  }

  /** Reads frames until one satisfies `stop`; returns all read frames including that one. */
  async until(stop: (frame: string) => boolean): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const f = await this.next();
      out.push(f);
      if (stop(f)) return out;
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
