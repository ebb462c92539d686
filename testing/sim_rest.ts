// The simulator in-process for REST tests: a VenueSim on a hand-moved wall clock and a fetch that
// hands each Request to its server's handler, so venue REST answers come without a port.
import type { SymbolName, Venue } from "../lib/market/types.ts";
import { SimServer } from "../lib/sim/sim_server.ts";
import { VenueSim } from "../lib/sim/venue_sim.ts";

const MINUTE = 60_000;

export function inProcessSim(
  opts: { venues: Venue[]; symbols: SymbolName[]; startSimMs: number; seed?: number },
) {
  let wall = 0;
  const sim = new VenueSim({
    seed: opts.seed ?? 3,
    startSimMs: opts.startSimMs,
    speed: 1,
    symbols: opts.symbols,
    venues: opts.venues,
    tradeRate: 0.5,
    wallNow: () => wall,
  });
  const handler = new SimServer(sim, { hostname: "127.0.0.1", port: 0, log: () => {} }).handler;
  const net = { requests: 0, down: false };
  /** Counts requests; while `net.down` every request fails as a refused connection would. */
  const fetchSim: typeof fetch = async (input, init) => {
    net.requests++;
    if (net.down) throw new TypeError("connection refused");
    return await handler(new Request(input, init));
  };
  /** Moves the simulator on by `n` simulated minutes (speed 1). */
  const advanceMinutes = (n: number) => {
    wall += n * MINUTE;
    sim.tick();
  };
  return { sim, fetch: fetchSim, net, advanceMinutes };
}
