import assert from "node:assert/strict";
import { mulberry32 } from "../util/mulberry32.ts";
import { binCounts, binIndex, PSI_EPSILON, psiOf, quantileEdges } from "./psi.ts";

/**
 * PSI the long way, written apart from psi.ts on purpose: each edge by scanning the sorted sample for
 * the first value with at least k/bins of the sample at or below it, each value's bin by walking the
 * edges, then the textbook sum over smoothed proportions.
 */
function straightPsi(ref: number[], cur: number[], bins = 10): number {
  const sorted = [...ref].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    let e = sorted[sorted.length - 1];
    for (let i = 0; i < sorted.length; i++) {
      const atOrBelow = sorted.filter((x) => x <= sorted[i]).length;
      if (atOrBelow * bins >= k * sorted.length) {
        e = sorted[i];
        break;
      }
    }
    if (!edges.includes(e)) edges.push(e);
  }
  const share = (xs: number[]) => {
    const counts = new Array(edges.length + 1).fill(0);
    for (const x of xs) {
      let b = 0;
      while (b < edges.length && x > edges[b]) b++;
      counts[b]++;
    }
    return counts.map((c) => (c === 0 ? 1e-4 : c / xs.length));
  };
  const r = share(ref), c = share(cur);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (c[i] - r[i]) * Math.log(c[i] / r[i]);
  return psi;
}

function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  const rng = mulberry32(seed);
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
}

Deno.test("PSI equals the straightforward computation to 1e-12 (sizes not multiples of 10, shifts, ties)", () => {
  const cases: [string, number[], number[]][] = [
    ["same law", normals(503, 1), normals(497, 2)],
    ["shifted 0.5 sd", normals(400, 3), normals(350, 4, 0.5)],
    ["wider", normals(257, 5), normals(911, 6, 0, 2)],
    ["small", normals(23, 7), normals(19, 8)],
    [
      "rounded (ties)",
      normals(300, 9).map((x) => Math.round(x * 2) / 2),
      normals(300, 10).map((x) => Math.round(x)),
    ],
  ];
  for (const [name, ref, cur] of cases) {
    const got = psiOf(ref, cur).psi;
    const want = straightPsi(ref, cur);
    assert.ok(Math.abs(got - want) <= 1e-12, `${name}: ${got} vs ${want}`);
  }
  // Reference against itself: every proportion equal, PSI exactly 0.
  const ref = normals(100, 11);
  assert.equal(psiOf(ref, ref).psi, 0);
  assert.equal(psiOf(ref, [...ref].reverse()).psi, 0);
});

Deno.test("quantile edges: inverse empirical CDF, right-closed bins, equal counts without ties", () => {
  const ref = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.deepEqual(quantileEdges(ref), [10, 20, 30, 40, 50, 60, 70, 80, 90]);
  assert.deepEqual(binCounts(quantileEdges(ref), ref), new Array(10).fill(10));
  // n not a multiple of bins: ceil(k·n/10)-th value; 1..25 -> 3rd, 5th, 8th, 10th, 13th...
  assert.deepEqual(quantileEdges(Array.from({ length: 25 }, (_, i) => i + 1)), [
    3,
    5,
    8,
    10,
    13,
    15,
    18,
    20,
    23,
  ]);
  // right-closed: a value on an edge belongs to the bin below it
  assert.equal(binIndex([10, 20], 10), 0);
  assert.equal(binIndex([10, 20], 10.0000001), 1);
  assert.equal(binIndex([10, 20], 20), 1);
  assert.equal(binIndex([10, 20], 21), 2);
  assert.equal(binIndex([10, 20], -Infinity), 0);
});

Deno.test("quantile-edge ties: a repeated value is one edge, one bin; the order of the input never matters", () => {
  // Half the reference is 0 (quiet bars' volume), the rest 1..50.
  const ref = [...new Array(50).fill(0), ...Array.from({ length: 50 }, (_, i) => i + 1)];
  const edges = quantileEdges(ref);
  assert.deepEqual(edges, [0, 10, 20, 30, 40]); // quantiles 0.1..0.5 are all 0: kept once
  assert.deepEqual(binCounts(edges, ref), [50, 10, 10, 10, 10, 10]);
  assert.deepEqual(quantileEdges([...ref].reverse()), edges);
  // A constant reference: one edge, two bins; a current with larger values falls in the (empty) upper one.
  assert.deepEqual(quantileEdges(new Array(40).fill(7)), [7]);
  const r = psiOf(new Array(40).fill(7), [...new Array(30).fill(7), ...new Array(10).fill(8)]);
  assert.deepEqual([r.edges, r.refCounts, r.curCounts], [[7], [40, 0], [30, 10]]);
  const want = (0.75 - 1) * Math.log(0.75 / 1) + (0.25 - PSI_EPSILON) * Math.log(0.25 / PSI_EPSILON);
  assert.ok(Math.abs(r.psi - want) <= 1e-15, `${r.psi} vs ${want}`);
  // Ties on the current side change nothing about the edges.
  assert.deepEqual(psiOf(ref, new Array(10).fill(0)).curCounts, [10, 0, 0, 0, 0, 0]);
});

Deno.test("empty bins take epsilon 1e-4 on either side, without renormalising the others", () => {
  assert.equal(PSI_EPSILON, 1e-4);
  const ref = Array.from({ length: 10 }, (_, i) => i + 1); // ten bins of one value each
  // Every current value in the first bin: nine empty current bins.
  const r = psiOf(ref, [1, 1, 0.5, -3]);
  assert.deepEqual(r.curCounts, [4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const want = (1 - 0.1) * Math.log(1 / 0.1) + 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1);
  assert.ok(Math.abs(r.psi - want) <= 1e-12, `${r.psi} vs ${want}`);
  // An empty reference bin: the upper bin (> 9) is empty for a reference of 1..9 with a tenth value 9.
  const r2 = psiOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 9], [10, 10, 10, 10, 10]);
  assert.deepEqual([r2.edges, r2.refCounts, r2.curCounts], [[1, 2, 3, 4, 5, 6, 7, 8, 9], [
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    2,
    0,
  ], [0, 0, 0, 0, 0, 0, 0, 0, 0, 5]]);
  let want2 = (1 - 1e-4) * Math.log(1 / 1e-4); // the empty reference bin against a full current one
  for (const share of [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2]) {
    want2 += (1e-4 - share) * Math.log(1e-4 / share);
  }
  assert.ok(Math.abs(r2.psi - want2) <= 1e-12, `${r2.psi} vs ${want2}`);
});

Deno.test("bad input is a RangeError naming what is wrong", () => {
  assert.throws(() => psiOf([], [1]), /reference sample is empty/);
  assert.throws(() => psiOf([1], []), /current sample is empty/);
  assert.throws(() => psiOf([1, NaN], [1]), /reference\[1\] is NaN/);
  assert.throws(() => psiOf([1], [Infinity]), /current\[0\] is Infinity/);
  assert.throws(() => quantileEdges([1], 1), /bins must be >= 2/);
});
