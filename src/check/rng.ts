/** Seeded random draws for the checker (signs, samples), so every report is reproducible from its seed. */
import type { Rng } from '../random.js';

/** `n` independent ±1 signs. */
export function rademacher(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() < 0.5 ? -1 : 1;
  return out;
}

/** `k` distinct integers from [0, n), in increasing order (Floyd's algorithm). */
export function sampleIndices(rng: Rng, n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rng() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}
