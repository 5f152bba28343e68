/** The 32-bit Mersenne Twister MT19937, seeded exactly as numpy's legacy `RandomState` seeds it. */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** A snapshot of the generator: the 624-word key and the read position (numpy's `get_state()[1:3]`). */
export interface Mt19937State {
  readonly key: Uint32Array;
  readonly pos: number;
}

/**
 * MT19937 with numpy's two seeding routines and its output conversions.
 *
 * NOTE: written here rather than taken from npm: the packages we looked at either reject seed 0
 * (which numpy accepts) or seed a one-element array like an integer, which numpy does not
 * (`RandomState([42])` runs `init_by_array`, `RandomState(42)` does not).
 *
 * @example
 * ```ts
 * const mt = new MT19937();
 * mt.seed(42);
 * mt.nextUint32(); // 1608637542, numpy's np.random.RandomState(42).randint(2**32, dtype=np.uint64)
 * ```
 */
export class MT19937 {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** Creates a generator seeded with `seed` (default 5489, the reference implementation's). */
  constructor(seed = 5489) {
    this.seed(seed);
  }

  /**
   * numpy's `mt19937_seed` (used by `np.random.seed(n)` and `RandomState(n)`): Knuth's linear
   * recurrence from one 32-bit integer.
   */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`MT19937.seed: seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      // Math.imul is the C `uint32 * uint32` modulo 2**32 (a plain * would lose the low bits).
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.pos = N;
  }

  /** numpy's `mt19937_init_by_array` (used for array seeds such as `np.random.seed([1, 2])`). */
  seedByArray(initKey: ArrayLike<number>): void {
    const len = initKey.length;
    if (len === 0) throw new Error('MT19937.seedByArray: the seed array must be non-empty');
    for (let j = 0; j < len; j++) {
      const v = initKey[j]!;
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new Error(`MT19937.seedByArray: seed values must be integers between 0 and 2**32 - 1, got ${v} at index ${j}`);
      }
    }
    const mt = this.key;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1]!;
      // Sums stay below 2**34, exact in a double; >>> 0 then takes them modulo 2**32 as C does.
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1664525)) >>> 0) + initKey[j]! + j;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array (as the reference code does)
    this.pos = N;
  }

  /** The reference `init_genrand`, the first step of `init_by_array`. */
  private initGenrand(s: number): void {
    const mt = this.key;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i;
    }
    this.pos = N;
  }

  /** Regenerates the 624 words of state (the twist). */
  private twist(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** The next raw tempered 32-bit output, as an unsigned integer in [0, 2**32). */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's `next_uint64`: two 32-bit outputs, the first one high. */
  nextUint64(): bigint {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A double in [0, 1) with 53 random bits: `(a >> 5) * 2**26 + (b >> 6)` over 2**53, as numpy builds it. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A copy of the state (key and position). */
  getState(): Mt19937State {
    return { key: this.key.slice(), pos: this.pos };
  }

  /** Restores a state taken by {@link MT19937.getState} or numpy's `get_state()`. */
  setState(state: { readonly key: ArrayLike<number>; readonly pos: number }): void {
    if (state.key.length !== N) throw new Error(`MT19937.setState: the key must hold ${N} words, got ${state.key.length}`);
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > N) {
      throw new Error(`MT19937.setState: pos must be an integer in 0..${N}, got ${state.pos}`);
    }
    for (let i = 0; i < N; i++) this.key[i] = state.key[i]!;
    this.pos = state.pos;
  }
}
