/** Weight initialisation schemes of the seed labs (normal σ, 1/fan_in, randn/2) plus Xavier/Glorot and He, all seeded. */
import { expectFinite, expectInteger, show } from '../validate.js';
import type { FloatArray } from '../dtype.js';
import { fillNormal, type Rng } from '../random.js';

/**
 * An init scheme for a layer's weight (and bias):
 * - `{ kind: 'normal', std }`: N(0, σ²), biases 0 (seed 000: σ = 0.3).
 * - `{ kind: 'fanin' }`: N(0, 1/fan_in), biases 0 (seed 002's code; LeCun normal).
 * - `{ kind: 'randn2' }`: N(0, 1/4) for weights AND biases (seed 004's `randn(...) / 2`).
 * - `{ kind: 'xavier' }`: U(−a, a), a = √(6/(fan_in + fan_out)), biases 0 (Glorot uniform).
 * - `{ kind: 'xavier-normal' }`: N(0, 2/(fan_in + fan_out)), biases 0.
 * - `{ kind: 'he' }`: N(0, 2/fan_in), biases 0 (for ReLU).
 * - `{ kind: 'uniform', limit }`: U(−limit, limit), biases 0.
 */
export type InitScheme =
  | { kind: 'normal'; std: number }
  | { kind: 'fanin' }
  | { kind: 'randn2' }
  | { kind: 'xavier' }
  | { kind: 'xavier-normal' }
  | { kind: 'he' }
  | { kind: 'uniform'; limit: number };

/**
 * Parses a command-line init name: `normal:0.3`, `fanin` (alias `lecun`), `randn/2`, `xavier` (alias `glorot`),
 * `xavier-normal`, `he`, `uniform:0.05`.
 * @example
 * ```ts
 * parseInit('normal:0.3'); // { kind: 'normal', std: 0.3 }
 * ```
 */
export function parseInit(spec: string): InitScheme {
  if (typeof spec !== 'string') throw new Error(`parseInit: expected a name like 'normal:0.3', got ${show(spec)}`);
  const [name = '', arg] = spec.split(':');
  const num = (what: string): number => {
    const v = Number(arg);
    if (arg === undefined || !Number.isFinite(v) || v <= 0) {
      throw new Error(`parseInit: '${spec}' needs a positive number after the colon (${what}), e.g. ${name}:0.3`);
    }
    return v;
  };
  switch (name) {
    case 'normal': return { kind: 'normal', std: num('the standard deviation') };
    case 'uniform': return { kind: 'uniform', limit: num('the half-width') };
    case 'fanin': case 'lecun': return { kind: 'fanin' };
    case 'randn/2': case 'randn2': return { kind: 'randn2' };
    case 'xavier': case 'glorot': return { kind: 'xavier' };
    case 'xavier-normal': case 'glorot-normal': return { kind: 'xavier-normal' };
    case 'he': case 'kaiming': return { kind: 'he' };
    default:
      throw new Error(`parseInit: unknown init '${spec}' (expected normal:σ, uniform:a, fanin, randn/2, xavier, xavier-normal or he)`);
  }
}

/**
 * A short name for reports and checkpoints, parseable by {@link parseInit}.
 * @example
 * ```ts
 * formatInit({ kind: 'normal', std: 0.3 }); // 'normal:0.3'
 * ```
 */
export function formatInit(s: InitScheme): string {
  checkScheme('formatInit', s);
  if (s.kind === 'normal') return `normal:${s.std}`;
  if (s.kind === 'uniform') return `uniform:${s.limit}`;
  return s.kind === 'randn2' ? 'randn/2' : s.kind;
}

const KINDS = ['normal', 'fanin', 'randn2', 'xavier', 'xavier-normal', 'he', 'uniform'];

/** A scheme object must have a known kind (and its number, for normal and uniform). */
function checkScheme(fn: string, s: unknown): void {
  const kind = (s as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    throw new Error(`${fn}: unknown init scheme kind ${show(kind)} (expected ${KINDS.join(', ')})`);
  }
  if (kind === 'normal') expectFinite(fn, 'std', (s as { std: unknown }).std, 0);
  if (kind === 'uniform') expectFinite(fn, 'limit', (s as { limit: unknown }).limit, 0);
}

function fillUniform(out: FloatArray, rng: Rng, limit: number): void {
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng() - 1) * limit;
}

/**
 * Fills a weight of `fanIn` inputs and `fanOut` outputs according to `scheme`, drawing from `rng`.
 * @example
 * ```ts
 * const w = new Float64Array(784 * 128);
 * initWeight(w, 784, 128, { kind: 'normal', std: 0.3 }, seedrandom('1'));
 * ```
 */
export function initWeight(out: FloatArray, fanIn: number, fanOut: number, scheme: InitScheme, rng: Rng): void {
  expectInteger('initWeight', 'fanIn', fanIn, 1);
  expectInteger('initWeight', 'fanOut', fanOut, 1);
  checkScheme('initWeight', scheme);
  switch (scheme.kind) {
    case 'normal': return fillNormal(out, rng, 0, scheme.std);
    case 'fanin': return fillNormal(out, rng, 0, 1 / Math.sqrt(fanIn));
    case 'randn2': return fillNormal(out, rng, 0, 0.5);
    case 'xavier': return fillUniform(out, rng, Math.sqrt(6 / (fanIn + fanOut)));
    case 'xavier-normal': return fillNormal(out, rng, 0, Math.sqrt(2 / (fanIn + fanOut)));
    case 'he': return fillNormal(out, rng, 0, Math.sqrt(2 / fanIn));
    case 'uniform': return fillUniform(out, rng, scheme.limit);
  }
}

/**
 * Fills a bias: zeros, except seed 004's scheme, which draws biases like weights (randn/2).
 * @example
 * ```ts
 * initBias(new Float64Array(10), { kind: 'he' }, rng); // stays all zero
 * ```
 */
export function initBias(out: FloatArray, scheme: InitScheme, rng: Rng): void {
  checkScheme('initBias', scheme);
  if (scheme.kind === 'randn2') fillNormal(out, rng, 0, 0.5);
  else out.fill(0);
}
