// Seeded, stateless-by-key randomness: every draw is a function of (seed, key), so the simulated
// market for one simulated second never depends on how the run was chunked or when it was asked for.
import { mulberry32, type Rng } from "../util/mulberry32.ts";

/** 32-bit FNV-1a of a string, folded with a seed. */
export function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so neighbouring keys give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export { mulberry32, type Rng };

/** A PRNG keyed by (seed, key): the same pair always yields the same sequence. */
export function keyedRng(seed: number, key: string): Rng {
  return mulberry32(hash32(seed, key));
}

/** Standard normal draw (Box-Muller, one of the pair). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson draw by Knuth's product method; fine for the small means used here (< 30). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}
