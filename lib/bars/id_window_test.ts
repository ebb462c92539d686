import assert from "node:assert/strict";
import { mulberry32 } from "../util/mulberry32.ts";
import { IdWindow, plainDecimalId } from "./id_window.ts";

/** The reference: the last `size` admitted ids in a Set of strings and a ring, as TradeGuard had. */
class SetWindow {
  private readonly seen = new Set<string>();
  private readonly ring: string[];
  private pos = 0;
  constructor(private readonly size: number) {
    this.ring = new Array<string>(size).fill("");
  }
  admit(id: string): boolean {
    if (this.seen.has(id)) return false;
    const old = this.ring[this.pos];
    if (old !== "") this.seen.delete(old);
    this.ring[this.pos] = id;
    this.pos = (this.pos + 1) % this.size;
    this.seen.add(id);
    return true;
  }
}

Deno.test("plainDecimalId accepts exactly the decimals one double represents one-to-one", () => {
  assert.deepEqual(
    ["0", "7", "3046929281", "999999999999999", "007", "00", "", "1e3", "-1", "12a", "1000000000000000"]
      .map(plainDecimalId),
    [0, 7, 3046929281, 999999999999999, -1, -1, -1, -1, -1, -1, -1],
  );
});

Deno.test("IdWindow gives the same verdicts as a Set-of-strings window on mixed, shuffled ids", () => {
  const rand = mulberry32(7);
  for (const size of [1, 2, 3, 17, 64]) {
    const ours = new IdWindow(size), ref = new SetWindow(size);
    let dup = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rand();
      // Mostly ascending ids with replays and stragglers, plus zero-padded, huge and UUID-like ids.
      const base = 1_000_000_000 + Math.floor(i / 2);
      const id = r < 0.6
        ? String(base)
        : r < 0.8
        ? String(base - Math.floor(rand() * 3 * size))
        : r < 0.85
        ? `0${base % 97}`
        : r < 0.9
        ? `${base % 97}`
        : r < 0.95
        ? String(9_007_199_254_740_993n + BigInt(i % 50))
        : `u-${Math.floor(rand() * 4 * size)}`;
      const want = ref.admit(id);
      assert.equal(ours.admit(id), want, `size ${size}, step ${i}, id ${id}`);
      if (!want) dup++;
    }
    assert.ok(dup > 1000, `size ${size}: the sequence must exercise duplicates, got ${dup}`);
  }
});

Deno.test("IdWindow keeps its verdicts through heavy hash-table churn (colliding probe runs)", () => {
  const rand = mulberry32(11);
  const ours = new IdWindow(512), ref = new SetWindow(512);
  for (let i = 0; i < 50_000; i++) {
    const id = String(Math.floor(rand() * 2000) * 4096); // multiples of 4096: many shared homes
    assert.equal(ours.admit(id), ref.admit(id), `step ${i}, id ${id}`);
  }
});

Deno.test("IdWindow rejects a window size below 1", () => {
  assert.throws(() => new IdWindow(0), RangeError);
});

Deno.test("IdWindow: long decimal ids (Bybit's 19 digits, up to 30) as exact pairs, same verdicts as strings", () => {
  const rand = mulberry32(13);
  for (const size of [1, 5, 64]) {
    const ours = new IdWindow(size), ref = new SetWindow(size);
    let dup = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rand();
      const n = 2_290_000_001_189_048_101n +
        BigInt(Math.floor(i / 2) - (r < 0.3 ? Math.floor(rand() * 3 * size) : 0));
      // Same low 15 digits under other high digits, 16 and 30/31 digits, short ids beside them.
      const id = r < 0.7
        ? String(n)
        : r < 0.8
        ? String(n + 10n ** 15n * BigInt(Math.floor(rand() * 3)))
        : r < 0.85
        ? `1${String(i % 7).padStart(15, "0")}`
        : r < 0.9
        ? `${i % 7}`
        : r < 0.95
        ? `${"9".repeat(15)}${String(i % 9).padStart(15, "0")}`
        : `1${"0".repeat(29)}${i % 3}`;
      const want = ref.admit(id);
      assert.equal(ours.admit(id), want, `size ${size}, step ${i}, id ${id}`);
      if (!want) dup++;
    }
    assert.ok(dup > 1000, `size ${size}: the sequence must exercise duplicates, got ${dup}`);
  }
  // Only ids below 2^53 report a numeric value (TradeGuard's contiguity check reads it).
  const w = new IdWindow(4);
  w.admit("2290000001189048101");
  assert.equal(w.lastNumeric, -1);
  w.admit("3046929281");
  assert.equal(w.lastNumeric, 3046929281);
});
