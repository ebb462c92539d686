// The lifecycle against the real simulator enforcing a venue maximum connection age (Binance's 24 h
// cut, here four wall seconds): our own max age (one second) hands over make-before-break every time,
// long before the venue would cut; no reconnect, and the trade ids seen, duplicates dropped, are one
// contiguous run.
import assert from "node:assert/strict";
import { startConnection } from "../lib/venues/connection.ts";
import type { ConnectionEvent } from "../lib/venues/connection_events.ts";
import { ADAPTERS } from "../lib/venues/registry.ts";
import { EPOCH, simEnv, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";

Deno.test("max age: our earlier cut hands over before the venue's, no trade lost or doubled", async () => {
  const dir = await Deno.makeTempDir({ prefix: "max_age_" });
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    speed: 60,
    startSimMs: EPOCH,
    tradeRate: 16,
    chaos: { maxAgeS: 4 },
  });
  const ac = new AbortController();
  const events: ConnectionEvent[] = [];
  const ids: number[] = [];
  const seen = new Set<number>();
  const conn = startConnection({
    adapter: ADAPTERS.binance,
    plan: {
      venue: "binance",
      name: "binance",
      url: simEnv(sim.port).BINANCE_WS_URL,
      subscriptions: [{ channel: "trades", symbol: "BTC-USDT" }],
    },
    sink: (ev) => {
      if (ev.type !== "events") {
        events.push(ev);
        return;
      }
      for (const t of ev.events) {
        if (t.kind !== "trade" || seen.has(Number(t.tradeId))) continue;
        seen.add(Number(t.tradeId));
        ids.push(Number(t.tradeId));
      }
    },
    signal: ac.signal,
    staleTimeoutMs: 3000,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    maxConnectionMs: 1000,
    handoverLingerMs: 200,
  });
  try {
    await waitFor("three handovers", () => conn.stats.handovers >= 3, { timeoutMs: 30_000 });
  } finally {
    ac.abort();
    await conn.done;
    await sim.stop();
  }
  await Deno.remove(dir, { recursive: true });
  assert.deepEqual(
    events.map((e) => e.type === "handover" ? `handover ${e.reason} ${e.ok}` : e.type),
    ["connect", ...Array(conn.stats.handovers).fill("handover max_age true"), "disconnect"],
  );
  assert.deepEqual([conn.stats.reconnects, conn.stats.handoverFailures], [0, 0]);
  // Arrival order after de-duplication is the id order, without a hole.
  assert.ok(ids.length > 1000, `${ids.length} trades`);
  const holes = ids.slice(1).filter((id, i) => id !== ids[i] + 1);
  assert.deepEqual(holes, []);
});
