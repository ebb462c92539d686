import assert from "node:assert/strict";
import { validateEvent } from "../events/ai_event.ts";
import { EventWriter, findResume } from "./event_log.ts";
import type { SeriesKey } from "./feed_schema.ts";

const K: SeriesKey = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };
const ID = { run_id: "r1", component: "shadow_mvs", source: "refstrat_01" };

function decision(run: string, openMs: number, size: number) {
  return {
    ts: "2024-05-15T00:00:00.000Z",
    type: "decision",
    run_id: run,
    component: "shadow_mvs",
    source: "refstrat_01",
    ...K,
    decision: "hold",
    bar_open_time_ms: openMs,
    pad: "x".repeat(200),
    state: {
      prev_ema_12: 1.5,
      prev_ema_26: 2.5,
      last_close: 3,
      size,
      entry_price: size ? 2 : null,
      stop: size ? 1 : null,
      realised_pnl: -4,
      fees_paid: 4,
      trades: 7,
    },
  };
}

Deno.test("EventWriter appends valid lines, rejects invalid ones, and terminates a torn last line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ai/events.jsonl`;
    await Deno.mkdir(`${dir}/ai`);
    await Deno.writeTextFile(
      path,
      '{"ts":1,"type":"heartbeat","run_id":"r1","component":"c","source":"s"}\n{"torn',
    );
    const w = await EventWriter.open(path);
    w.write(decision("r1", 60_000, 1) as never);
    assert.throws(() => w.write({ ...decision("r1", 1, 0), run_id: "bad id" } as never), /field "run_id"/);
    w.close();
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[1], '{"torn');
    assert.equal(lines[3], "");
    assert.equal(validateEvent(JSON.parse(lines[2])).ok, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findResume returns this run's last decision across chunk boundaries, skipping other runs and junk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/e.jsonl`;
    assert.equal(await findResume(path, ID, K), null);
    const lines = [];
    for (let i = 0; i < 50; i++) lines.push(JSON.stringify(decision("r1", i * 60_000, i % 2)));
    lines.push(JSON.stringify(decision("r2", 99 * 60_000, 0)));
    lines.push(JSON.stringify({ ...decision("r1", 98 * 60_000, 0), symbol: "ETH-USDT" }));
    lines.push('not json {"decision"');
    await Deno.writeTextFile(path, lines.join("\n") + "\n" + '{"torn": "decision');
    for (const chunk of [7, 100, 333, 64 * 1024]) {
      const r = await findResume(path, ID, K, chunk);
      assert.equal(r?.lastDecidedOpenTimeMs, 49 * 60_000, `chunk ${chunk}`);
      assert.deepEqual(r?.state, {
        prevEma12: 1.5,
        prevEma26: 2.5,
        lastClose: 3,
        book: { size: 1, entryPrice: 2, stop: 1, realisedPnl: -4, feesPaid: 4, trades: 7 },
      });
    }
    assert.equal(await findResume(path, { ...ID, run_id: "r3" }, K), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
