/** Every random number in tapegrad comes from seedrandom, so the same seed gives the same numbers. */
import seedrandom from 'seedrandom';
import { show } from './validate.js';

/** A seeded uniform generator on [0, 1). */
export type Rng = () => number;

const DEFAULT_SEED = 'tapegrad';
let globalRng: Rng = seedrandom(DEFAULT_SEED);

/**
 * Resets the global generator used by `randn`/`rand` calls that pass no seed.
 * @example
 * manualSeed(42);
 * const a = randn([2]);
 * manualSeed(42);
 * const b = randn([2]); // same numbers as a
 */
export function manualSeed(seed: string | number): void {
  checkSeed('manualSeed', seed);
  globalRng = seedrandom(String(seed));
}

/** Throws unless `seed` is a string or a finite number (an object would all map to one seed). */
export function checkSeed(fn: string, seed: unknown): void {
  if (typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed))) return;
  throw new Error(`${fn}: seed must be a string or a finite number, got ${show(seed)}`);
}

/** A generator for `seed`, or the global one when no seed is given. */
export function rngFor(seed?: string | number): Rng {
  return seed === undefined ? globalRng : seedrandom(String(seed));
}

/** Standard normal samples by the Box–Muller transform. */
export function fillNormal(out: { length: number; [i: number]: number }, rng: Rng, mean: number, std: number): void {
  for (let i = 0; i < out.length; i += 2) {
    let u = rng();
    while (u <= 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
}
