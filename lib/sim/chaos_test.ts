import assert from "node:assert/strict";
import { ChaosLog, isStalled, mergeChaos, parseChaos, pickAnomaly } from "./chaos.ts";
import { ChaosFile } from "./chaos_file.ts";
import { ChaosRuntime } from "./chaos_runtime.ts";
import { JsonlWriter } from "./jsonl_writer.ts";

Deno.test("parseChaos accepts the documented keys and names the first bad one", () => {
  const c = parseChaos(
    '{"stall":[{"venue":"okx","symbol":"BTC-USDT"}],"malformedRate":0.1,"jitterMs":5}',
    "t",
  );
  assert.deepEqual(c.stall, [{ venue: "okx", symbol: "BTC-USDT" }]);
  assert.throws(() => parseChaos('{"malformedRate":2}', "t"), /Cannot use chaos t: malformedRate:/);
  assert.throws(() => parseChaos('{"nope":1}', "t"), /Cannot use chaos t: \(root\)/);
  assert.throws(() => parseChaos("{", "t"), SyntaxError);
  assert.throws(() => parseChaos('{"malformedRate":0.6,"duplicateRate":0.6}', "t"), /at most 1/);
});

Deno.test("pickAnomaly partitions [0,1) by the rates; klines only get malformed", () => {
  const c = { malformedRate: 0.1, badValueRate: 0.2, duplicateRate: 0.3, reorderRate: 0.1 };
  assert.deepEqual(
    [0, 0.09, 0.11, 0.29, 0.31, 0.59, 0.61, 0.69, 0.71, 0.99].map((u) => pickAnomaly(u, c, true)),
    [
      "malformed",
      "malformed",
      "bad_value",
      "bad_value",
      "duplicate",
      "duplicate",
      "reorder",
      "reorder",
      null,
      null,
    ],
  );
  assert.equal(pickAnomaly(0.15, c, false), null);
  assert.equal(pickAnomaly(0.05, c, false), "malformed");
  // Late trades take the next slice; klines are never held back.
  const late = { ...c, lateRate: 0.2 };
  assert.deepEqual([0.69, 0.71, 0.89, 0.91].map((u) => pickAnomaly(u, late, true)), [
    "reorder",
    "late",
    "late",
    null,
  ]);
  assert.equal(pickAnomaly(0.75, late, false), null);
});

Deno.test("parseChaos: lateRate counts toward the per-frame total; lateMs is whole wall ms", () => {
  assert.deepEqual(parseChaos('{"lateRate":0.1,"lateMs":250}', "t"), { lateRate: 0.1, lateMs: 250 });
  assert.throws(() => parseChaos('{"reorderRate":0.6,"lateRate":0.6}', "t"), /lateRate must be at most 1/);
  assert.throws(() => parseChaos('{"lateMs":0}', "t"), /Cannot use chaos t: lateMs:/);
  assert.throws(() => parseChaos('{"lateMs":1.5}', "t"), /Cannot use chaos t: lateMs:/);
});

Deno.test("stall scopes match by venue and/or symbol; file keys override flags", () => {
  const c = { stall: [{ venue: "okx" as const, symbol: "BTC-USDT" }, { venue: "kraken" as const }] };
  assert.deepEqual(
    [isStalled(c, "okx", "BTC-USDT"), isStalled(c, "okx", "ETH-USDT"), isStalled(c, "kraken", "ETH-USDT")],
    [true, false, true],
  );
  assert.deepEqual(mergeChaos({ jitterMs: 5, malformedRate: 0.1 }, { jitterMs: 0 }), {
    jitterMs: 0,
    malformedRate: 0.1,
  });
  assert.deepEqual(mergeChaos({ jitterMs: 5 }, null), { jitterMs: 5 });
});

Deno.test("ChaosFile: missing = none, broken keeps the last good config and warns once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chaos.json`;
    const f = new ChaosFile(path);
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    assert.equal(f.read(warn), null);
    await Deno.writeTextFile(path, '{"stall":[{"venue":"binance"}]}');
    assert.deepEqual(f.read(warn), { stall: [{ venue: "binance" }] });
    await Deno.writeTextFile(path, '{"stall": [');
    assert.deepEqual(f.read(warn), { stall: [{ venue: "binance" }] });
    assert.deepEqual(f.read(warn), { stall: [{ venue: "binance" }] });
    assert.equal(warnings.length, 1);
    assert.match(f.lastError!, /Cannot parse chaos file/);
    await Deno.remove(path);
    assert.equal(f.read(warn), null);
    assert.equal(f.lastError, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeChaos checks the merged config: rates valid per source but over 1 together throw", () => {
  assert.throws(
    () => mergeChaos({ trading: { ackLostPlacedRate: 0.6 } }, { trading: { ack5xxUnplacedRate: 0.6 } }),
    /Cannot use chaos flags \+ file: trading: ackLostPlacedRate \+ ack5xxUnplacedRate .* at most 1/,
  );
  assert.throws(() => mergeChaos({ malformedRate: 0.6 }, { duplicateRate: 0.6 }), /at most 1/);
  // A file key replacing the flag's keeps the sum in range.
  assert.deepEqual(
    mergeChaos({ trading: { ackLostPlacedRate: 0.6 } }, { trading: { ackLostPlacedRate: 0.4 } }),
    { trading: { ackLostPlacedRate: 0.4 } },
  );
});

Deno.test("ChaosRuntime: a file valid alone but over 1 with the flags is warned once; the last good config stays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chaos.json`;
    const warnings: [string, Record<string, unknown>][] = [];
    const flags = { trading: { ackLostPlacedRate: 0.6 } };
    const rt = new ChaosRuntime({
      flags,
      filePath: path,
      conns: new Set(),
      protocol: () => {
        throw new Error("no connections here");
      },
      log: new ChaosLog(null, () => ({ wallMs: 0, simMs: 0 })),
      wallNow: () => 0,
      onWarn: (m, f) => warnings.push([m, f]),
    });
    await Deno.writeTextFile(path, '{"trading":{"ack5xxUnplacedRate":0.3}}');
    rt.reload();
    assert.deepEqual(rt.current, { trading: { ackLostPlacedRate: 0.6, ack5xxUnplacedRate: 0.3 } });
    await Deno.writeTextFile(path, '{"trading":{"ack5xxUnplacedRate":0.6}}');
    rt.reload();
    rt.reload();
    assert.deepEqual(rt.current, { trading: { ackLostPlacedRate: 0.6, ack5xxUnplacedRate: 0.3 } });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0][0], "chaos file ignored, keeping the last good one");
    assert.match(String(warnings[0][1].error), /flags \+ file: trading: .*at most 1/);
    assert.match(rt.fileError!, /at most 1/);
    await Deno.writeTextFile(path, '{"trading":{"ackLostPlacedRate":0.1,"ack5xxUnplacedRate":0.6}}');
    rt.reload();
    assert.deepEqual(rt.current, { trading: { ackLostPlacedRate: 0.1, ack5xxUnplacedRate: 0.6 } });
    assert.equal(rt.fileError, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ChaosLog counts every record and appends whole JSON lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = JsonlWriter.open(`${dir}/chaos.jsonl`);
    const log = new ChaosLog(w, () => ({ wallMs: 1, simMs: 2 }));
    log.record({ kind: "malformed", venue: "binance", tradeId: "9" });
    log.record({ kind: "malformed", venue: "okx" });
    log.record({ kind: "drop", venue: "okx", connId: "c" });
    w.close();
    assert.deepEqual(log.counts, { malformed: 2, drop: 1 });
    const lines = (await Deno.readTextFile(`${dir}/chaos.jsonl`)).split("\n");
    assert.equal(lines.length, 4);
    assert.deepEqual(JSON.parse(lines[0]), {
      wallMs: 1,
      simMs: 2,
      kind: "malformed",
      venue: "binance",
      tradeId: "9",
    });
    assert.equal(lines[3], "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
