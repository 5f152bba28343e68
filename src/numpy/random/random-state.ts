/**
 * numpy's legacy `RandomState` on our MT19937: the same algorithms in the same order, so every
 * seed gives numpy's numbers bit for bit (the polar Gaussian with its cached second value, masked
 * rejection for bounded integers, the Fisher–Yates shuffle of `shuffle`/`permutation`).
 */
import { correctlyRoundedLog } from './log.js';
import { MT19937 } from './mt19937.js';

/** numpy's `size`: `null` for one Python scalar, an int for a 1-d array, a tuple for a shape. */
export type Size = number | readonly number[] | null;

/** Numbers drawn by a {@link RandomState}: `shape` null means one scalar (numpy's `size=None`). */
export interface Sample {
  readonly shape: readonly number[] | null;
  readonly data: Float64Array;
}

/** A distribution parameter: a number or an array (broadcast against the others as numpy does). */
export type Param = number | { readonly shape: readonly number[]; readonly data: ArrayLike<number> };

/** A seed as numpy's `RandomState.seed` takes it: an integer in [0, 2**32), a 1-d list of them, or null for fresh entropy. */
export type Seed = number | bigint | readonly number[] | null | undefined;

/** The state as `get_state()` reports it: `('MT19937', key, pos, has_gauss, cached_gaussian)`. */
export interface RandomStateState {
  readonly key: Uint32Array;
  readonly pos: number;
  readonly hasGauss: boolean;
  readonly gauss: number;
}

const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function checkShape(fn: string, size: Size): readonly number[] | null {
  if (size === null) return null;
  const shape = typeof size === 'number' ? [size] : size;
  for (const d of shape) {
    if (!Number.isInteger(d)) throw new Error(`${fn}: size must hold integers, got ${JSON.stringify(size)}`);
    if (d < 0) throw new Error(`${fn}: negative dimensions are not allowed (size ${JSON.stringify(size)})`);
  }
  return shape;
}

const count = (shape: readonly number[] | null): number => (shape === null ? 1 : shape.reduce((a, b) => a * b, 1));

/** numpy's broadcast of several shapes, or an Error naming `fn` and the shapes. */
function broadcastShapes(fn: string, shapes: ReadonlyArray<readonly number[]>): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < ndim; k++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - ndim + k] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) {
        throw new Error(`${fn}: shape mismatch: objects cannot be broadcast to a single shape (${shapes.map((x) => `(${x.join(', ')})`).join(', ')})`);
      }
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Reads a parameter at every position of `shape` in C order (the parameter broadcast to it). */
function expandParam(p: Param, shape: readonly number[]): Float64Array {
  const n = count(shape);
  const out = new Float64Array(n);
  if (typeof p === 'number') return out.fill(p);
  const ps = p.shape;
  const off = shape.length - ps.length;
  // Strides of the parameter in the output's coordinates (0 where it is broadcast).
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let k = ps.length - 1; k >= 0; k--) {
    strides[k + off] = ps[k] === 1 ? 0 : s;
    s *= ps[k]!;
  }
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let k = 0; k < shape.length; k++) at += idx[k]! * strides[k]!;
    out[i] = p.data[at]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

const paramShape = (p: Param): readonly number[] => (typeof p === 'number' ? [] : p.shape);

/** The smallest all-ones bit mask covering `max` (numpy's `gen_mask`), for max < 2**32. */
function mask32(max: number): number {
  let m = max;
  m |= m >>> 1; m |= m >>> 2; m |= m >>> 4; m |= m >>> 8; m |= m >>> 16;
  return m >>> 0;
}

function mask64(max: bigint): bigint {
  let m = max;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) m |= m >> s;
  return m;
}

function toBigInt(fn: string, name: string, v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isFinite(v) || !Number.isInteger(v)) throw new Error(`${fn}: ${name} must be an integer, got ${v}`);
  return BigInt(v);
}

/**
 * numpy's legacy random generator (`np.random.RandomState`), drawing the same numbers as numpy for
 * the same seed and the same sequence of calls.
 *
 * @example
 * ```ts
 * const rs = new RandomState(42);
 * rs.normal(0, 0.3, [1, 2]).data; // Float64Array [0.14901424590336, -0.0414792864...]
 * ```
 */
export class RandomState {
  private readonly mt = new MT19937();
  private hasGauss = false;
  private gaussCache = 0;

  /** Seeds as `np.random.RandomState(seed)` does (null: fresh entropy from the platform's crypto). */
  constructor(seed: Seed = null) {
    this.seed(seed);
  }

  /**
   * numpy's `_legacy_seeding`: an integer goes through `mt19937_seed`, a list through
   * `init_by_array`, null through fresh entropy; the cached Gaussian is dropped.
   */
  seed(seed: Seed = null): void {
    if (seed === null || seed === undefined) {
      const words = new Uint32Array(624);
      globalThis.crypto.getRandomValues(words);
      words[0] = 0x80000000; // as numpy: the MSB set assures a non-zero state
      this.mt.setState({ key: words, pos: 624 });
    } else if (typeof seed === 'number' || typeof seed === 'bigint') {
      const s = typeof seed === 'bigint' ? seed : Number.isInteger(seed) ? BigInt(seed) : null;
      if (s === null) throw new Error(`RandomState.seed: Cannot cast scalar from dtype('float64') to dtype('int64') according to the rule 'safe' (seed ${seed})`);
      if (s < 0n || s > BigInt(UINT32_MAX)) throw new Error(`RandomState.seed: Seed must be between 0 and 2**32 - 1, got ${seed}`);
      this.mt.seed(Number(s));
    } else {
      if (seed.length === 0) throw new Error('RandomState.seed: Seed must be non-empty');
      for (const v of seed) {
        if (!Number.isInteger(v)) throw new Error(`RandomState.seed: seed arrays must hold integers, got ${v}`);
        if (v < 0 || v > UINT32_MAX) throw new Error(`RandomState.seed: Seed must be between 0 and 2**32 - 1, got ${v}`);
      }
      this.mt.seedByArray(seed);
    }
    this.hasGauss = false;
    this.gaussCache = 0;
  }

  /** The full state, as `get_state()` returns it. */
  getState(): RandomStateState {
    const { key, pos } = this.mt.getState();
    return { key, pos, hasGauss: this.hasGauss, gauss: this.gaussCache };
  }

  /** Restores a state from {@link RandomState.getState} (or numpy's `get_state()` tuple's fields). */
  setState(state: { readonly key: ArrayLike<number>; readonly pos: number; readonly hasGauss?: boolean; readonly gauss?: number }): void {
    this.mt.setState(state);
    this.hasGauss = state.hasGauss ?? false;
    this.gaussCache = state.hasGauss ? (state.gauss ?? 0) : 0;
  }

  /** The raw 32-bit stream (numpy's `next_uint32`). */
  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** One double in [0, 1), numpy's `next_double`. */
  nextDouble(): number {
    return this.mt.nextDouble();
  }

  /** numpy's `legacy_gauss`: the polar method, returning the second value of each pair first and caching the other. */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gaussCache;
      this.gaussCache = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.mt.nextDouble() - 1;
      x2 = 2 * this.mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * correctlyRoundedLog(r2)) / r2);
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `random_sample(size)` (also `random`, `ranf`, `sample`): uniform doubles in [0, 1). */
  randomSample(size: Size = null): Sample {
    const shape = checkShape('random_sample', size);
    const data = new Float64Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.mt.nextDouble();
    return { shape, data };
  }

  /** `standard_normal(size)` (and `randn(*dims)` with `size = dims`). */
  standardNormal(size: Size = null): Sample {
    const shape = checkShape('standard_normal', size);
    const data = new Float64Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.gauss();
    return { shape, data };
  }

  /** `normal(loc, scale, size)`: `loc + scale * gauss()` per element, parameters broadcast as numpy does. */
  normal(loc: Param = 0, scale: Param = 1, size: Size = null): Sample {
    const [shape, l, s] = this.cont('normal', size, loc, scale);
    for (let i = 0; i < s.length; i++) {
      if (s[i]! < 0 || Number.isNaN(s[i]!)) throw new Error(`normal: scale < 0 (got ${s[i]})`);
    }
    const data = new Float64Array(l.length);
    for (let i = 0; i < data.length; i++) data[i] = l[i]! + s[i]! * this.gauss();
    return { shape, data };
  }

  /** `uniform(low, high, size)`: `low + (high - low) * next_double()` per element. */
  uniform(low: Param = 0, high: Param = 1, size: Size = null): Sample {
    const [shape, lo, hi] = this.cont('uniform', size, low, high);
    const data = new Float64Array(lo.length);
    for (let i = 0; i < data.length; i++) {
      const range = hi[i]! - lo[i]!;
      if (!Number.isFinite(range)) throw new Error(`uniform: Range exceeds valid bounds (low ${lo[i]}, high ${hi[i]})`);
      data[i] = lo[i]! + range * this.mt.nextDouble();
    }
    return { shape, data };
  }

  /** `standard_exponential(size)`: `-log(1 - U)`, numpy's legacy form. */
  standardExponential(size: Size = null): Sample {
    const shape = checkShape('standard_exponential', size);
    const data = new Float64Array(count(shape));
    for (let i = 0; i < data.length; i++) data[i] = -correctlyRoundedLog(1 - this.mt.nextDouble());
    return { shape, data };
  }

  /**
   * Shape and broadcast parameters of a continuous distribution (numpy's `cont`): with a `size`
   * the parameters must broadcast to it; without one, scalars give a scalar and arrays their
   * broadcast shape.
   */
  private cont(fn: string, size: Size, a: Param, b: Param): [readonly number[] | null, Float64Array, Float64Array] {
    const given = checkShape(fn, size);
    const scalars = typeof a === 'number' && typeof b === 'number';
    if (given === null && scalars) return [null, new Float64Array([a]), new Float64Array([b])];
    const pshape = broadcastShapes(fn, [paramShape(a), paramShape(b)]);
    let shape: readonly number[] = pshape;
    if (given !== null) {
      const joint = broadcastShapes(fn, [given, pshape]);
      if (joint.length !== given.length || joint.some((d, k) => d !== given[k])) {
        throw new Error(`${fn}: shape mismatch: parameters of shape (${pshape.join(', ')}) cannot be broadcast to size (${given.join(', ')})`);
      }
      shape = given;
    }
    return [shape, expandParam(a, shape), expandParam(b, shape)];
  }

  /**
   * `randint(low, high, size)` for int64 (numpy's default `dtype=int`): integers in [low, high),
   * by masked rejection sampling on 32-bit draws when `high - low - 1` fits in 32 bits and on
   * 64-bit draws otherwise. `high` null draws from [0, low).
   */
  randint(low: Param | bigint, high: Param | bigint | null = null, size: Size = null): Sample {
    let lo = low;
    let hi = high;
    if (hi === null) { hi = lo; lo = 0; }
    const given = checkShape('randint', size);
    const isScalar = (p: Param | bigint): p is number | bigint => typeof p === 'number' || typeof p === 'bigint';
    if (isScalar(lo) && isScalar(hi)) {
      const l = toBigInt('randint', 'low', lo);
      const h = toBigInt('randint', 'high', hi) - 1n;
      if (l < INT64_MIN) throw new Error(`randint: low is out of bounds for int64 (low ${l})`);
      if (h > INT64_MAX) throw new Error(`randint: high is out of bounds for int64 (high ${h + 1n})`);
      if (l > h) throw new Error(`randint: low >= high (low ${l}, high ${h + 1n})`);
      const data = new Float64Array(count(given));
      this.boundedFill(l, h - l, data);
      return { shape: given, data };
    }
    // Array bounds: numpy draws each element with its own range, in C order of the broadcast.
    const lp: Param = typeof lo === 'bigint' ? Number(lo) : lo;
    const hp: Param = typeof hi === 'bigint' ? Number(hi) : hi;
    const pshape = broadcastShapes('randint', [paramShape(lp), paramShape(hp)]);
    const shape = given ?? pshape;
    if (given !== null) broadcastShapes('randint', [given, pshape]);
    const ls = expandParam(lp, shape);
    const hs = expandParam(hp, shape);
    const data = new Float64Array(ls.length);
    for (let i = 0; i < data.length; i++) {
      const l = toBigInt('randint', 'low', ls[i]!);
      const h = toBigInt('randint', 'high', hs[i]!) - 1n;
      if (l > h) throw new Error(`randint: low >= high (low ${l}, high ${h + 1n} at index ${i})`);
      this.boundedFill(l, h - l, data.subarray(i, i + 1));
    }
    return { shape, data };
  }

  /** numpy's `random_bounded_uint64_fill` with `use_masked`: `off + value` with value uniform in [0, rng]. */
  private boundedFill(off: bigint, rng: bigint, out: Float64Array): void {
    if (rng === 0n) { out.fill(Number(off)); return; }
    if (rng <= BigInt(UINT32_MAX)) {
      const r = Number(rng);
      const o = Number(off);
      if (r === UINT32_MAX) {
        for (let i = 0; i < out.length; i++) out[i] = o + this.mt.nextUint32();
        return;
      }
      const mask = mask32(r);
      for (let i = 0; i < out.length; i++) {
        let v: number;
        do v = (this.mt.nextUint32() & mask) >>> 0; while (v > r);
        out[i] = o + v;
      }
      return;
    }
    const mask = mask64(rng);
    const full = rng === 2n ** 64n - 1n;
    for (let i = 0; i < out.length; i++) {
      let v: bigint;
      do v = full ? this.mt.nextUint64() : this.mt.nextUint64() & mask; while (v > rng);
      // Values past 2**53 lose their low bits in a double: the interpreter's int64 arrays are float64.
      out[i] = Number(off + v);
    }
  }

  /** numpy's `random_interval(max)`: uniform in [0, max] by masked rejection (the draw of every shuffle step). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max <= UINT32_MAX) {
      const mask = mask32(max);
      let v: number;
      do v = (this.mt.nextUint32() & mask) >>> 0; while (v > max);
      return v;
    }
    const m = BigInt(max);
    const mask = mask64(m);
    let v: bigint;
    do v = this.mt.nextUint64() & mask; while (v > m);
    return Number(v);
  }

  /**
   * numpy's legacy `shuffle` of `n` items: Fisher–Yates from the end, `swap(i, j)` for each
   * `i = n-1 … 1` with `j = interval(i)` (numpy skips the copy when i == j; so does `swap` here).
   */
  shuffleIndices(n: number, swap: (i: number, j: number) => void): void {
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      if (i !== j) swap(i, j);
    }
  }

  /** `permutation(n)`: `arange(n)` shuffled. */
  permutation(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`permutation: n must be a non-negative integer, got ${n}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffleIndices(n, (i, j) => { const t = out[i]!; out[i] = out[j]!; out[j] = t; });
    return out;
  }

  /**
   * The indices that `choice(a, size, replace, p)` picks from a population of `popSize`
   * (numpy's legacy algorithm: `randint` with replacement, a permutation's head without,
   * the cumulative distribution and `searchsorted(side='right')` with `p`).
   */
  choiceIndices(popSize: number, size: Size = null, replace = true, p: ArrayLike<number> | null = null): Sample {
    const shape = checkShape('choice', size);
    const n = count(shape);
    if (!Number.isInteger(popSize)) throw new Error(`choice: a must be 1-dimensional or an integer, got ${popSize}`);
    if (popSize <= 0 && n !== 0) throw new Error(`choice: a must be greater than 0 unless no samples are taken (got ${popSize})`);
    let probs: Float64Array | null = null;
    if (p !== null) {
      probs = Float64Array.from(p);
      if (probs.length !== popSize) throw new Error(`choice: 'a' and 'p' must have same size (${popSize} and ${probs.length})`);
      const total = kahanSum(probs);
      if (Number.isNaN(total)) throw new Error('choice: probabilities contain NaN');
      if (probs.some((v) => v < 0)) throw new Error('choice: probabilities are not non-negative');
      if (Math.abs(total - 1) > Math.sqrt(2.220446049250313e-16)) throw new Error(`choice: probabilities do not sum to 1 (sum ${total})`);
    }
    if (replace) {
      if (probs !== null) {
        const cdf = cumulative(probs);
        const u = this.randomSample(shape);
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = searchRight(cdf, u.data[i]!);
        return { shape, data };
      }
      return this.randint(0, popSize, shape);
    }
    if (n > popSize) throw new Error(`choice: Cannot take a larger sample than population when 'replace=False' (${n} > ${popSize})`);
    if (probs !== null) {
      if (probs.filter((v) => v > 0).length < n) throw new Error('choice: Fewer non-zero entries in p than size');
      const found = new Float64Array(n);
      let nUniq = 0;
      while (nUniq < n) {
        const x = this.randomSample([n - nUniq]).data;
        for (let k = 0; k < nUniq; k++) probs[found[k]!] = 0;
        const cdf = cumulative(probs);
        // np.unique(return_index=True) then sorting the indices keeps first occurrences in draw order.
        const seen = new Set<number>();
        for (const u of x) {
          const idx = searchRight(cdf, u);
          if (!seen.has(idx)) { seen.add(idx); found[nUniq++] = idx; }
        }
      }
      return { shape, data: found };
    }
    return { shape, data: this.permutation(popSize).slice(0, n) };
  }
}

/** numpy's `kahan_sum`, used only to validate `p`. */
function kahanSum(v: Float64Array): number {
  if (v.length === 0) return 0;
  let sum = v[0]!;
  let c = 0;
  for (let i = 1; i < v.length; i++) {
    const y = v[i]! - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum;
}

/** `p.cumsum(); cdf /= cdf[-1]`, sequential as numpy's cumsum is. */
function cumulative(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) { s += p[i]!; cdf[i] = s; }
  const last = cdf[cdf.length - 1]!;
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** `searchsorted(x, side='right')`: the number of entries ≤ x. */
function searchRight(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1; else hi = mid;
  }
  return lo;
}
