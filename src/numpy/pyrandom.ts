/**
 * Python's `random` module, bit for bit: CPython's MT19937 seeded by init_by_array from the
 * integer seed, random() from two 32-bit draws (53 bits), randbelow by rejection on getrandbits,
 * and the same algorithms for uniform, randint, choice, shuffle, sample and gauss.
 */
import { PyRaise } from './errors.js';
import { MT19937 } from './random/mt19937.js';
import { float, intOf, numberOf, toArray } from './pyops.js';
import { HostFn, PyFloat, PyList, PyModule, PyTuple, type Value } from './values.js';

/**
 * CPython's generator: the same MT19937 as numpy's (seeded by init_by_array, as random.seed(int)
 * does), plus CPython's own conversions, which numpy's differ from.
 */
export class MersenneTwister {
  private readonly mt = new MT19937();

  /** init_by_array(key), as CPython's random.seed(int) uses it. */
  initByArray(key: readonly number[]): void {
    this.mt.seedByArray(key);
  }

  /** random(): 53-bit float in [0, 1) (the same construction as numpy's). */
  random(): number {
    return this.mt.nextDouble();
  }

  /** getrandbits(k) for k ≤ 53 (as a JS number). */
  getrandbits(k: number): number {
    if (k <= 32) return this.mt.nextUint32() >>> (32 - k);
    const lo = this.mt.nextUint32();
    const hi = this.mt.nextUint32() >>> (64 - k);
    return hi * 4294967296 + lo;
  }

  /** _randbelow(n) by rejection sampling. */
  randbelow(n: number): number {
    if (n <= 0) return 0;
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }
}

/** A fresh Python `random` module (its own generator, seeded from the clock like CPython). */
export function makeRandomModule(): PyModule {
  const g = new MersenneTwister();
  g.initByArray([Date.now() >>> 0]);
  let gaussNext: number | null = null;
  const a = new Map<string, Value>();
  const def = (name: string, impl: (args: Value[], kwargs: Map<string, Value>) => Value): void => {
    a.set(name, new HostFn(name, impl));
  };
  def('seed', (args) => {
    const s = args[0] ?? null;
    gaussNext = null;
    if (s === null) {
      g.initByArray([Date.now() >>> 0]);
      return null;
    }
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new PyRaise('NotSupported', 'random.seed() with a non-integer seed is not supported');
    let n = Math.abs(s);
    const key: number[] = [];
    while (n > 0) {
      key.push(n % 4294967296);
      n = Math.floor(n / 4294967296);
    }
    g.initByArray(key.length === 0 ? [0] : key);
    return null;
  });
  def('random', () => float(g.random()));
  def('uniform', (args) => {
    const lo = numberOf(args[0]!)!;
    const hi = numberOf(args[1]!)!;
    return float(lo + (hi - lo) * g.random());
  });
  const randrange = (start: number, stop: number | null, step: number): number => {
    if (stop === null) return g.randbelow(start);
    const width = stop - start;
    if (step === 1) {
      if (width <= 0) throw new PyRaise('ValueError', `empty range in randrange(${start}, ${stop})`);
      return start + g.randbelow(width);
    }
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new PyRaise('ValueError', 'empty range for randrange()');
    return start + step * g.randbelow(n);
  };
  def('randint', (args) => randrange(intOf(args[0]!, 'a'), intOf(args[1]!, 'b') + 1, 1));
  def('randrange', (args) => randrange(intOf(args[0]!, 'start'), args[1] === undefined ? null : intOf(args[1], 'stop'), args[2] === undefined ? 1 : intOf(args[2], 'step')));
  def('choice', (args) => {
    const items = toArray(args[0]!);
    if (items.length === 0) throw new PyRaise('IndexError', 'Cannot choose from an empty sequence');
    return items[g.randbelow(items.length)]!;
  });
  def('shuffle', (args) => {
    const l = args[0]!;
    if (!(l instanceof PyList)) throw new PyRaise('NotSupported', 'random.shuffle of anything but a list is not supported');
    for (let i = l.items.length - 1; i > 0; i--) {
      const j = g.randbelow(i + 1);
      [l.items[i], l.items[j]] = [l.items[j]!, l.items[i]!];
    }
    return null;
  });
  def('sample', (args) => {
    const pop = [...toArray(args[0]!)];
    const k = intOf(args[1]!, 'k');
    const n = pop.length;
    if (k < 0 || k > n) throw new PyRaise('ValueError', 'Sample larger than population or is negative');
    // CPython picks the pool method or the set method by size; both use randbelow the same way here.
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(3 * k) / Math.log(4));
    const out: Value[] = [];
    if (n <= setsize) {
      const pool = [...pop];
      for (let i = 0; i < k; i++) {
        const j = g.randbelow(n - i);
        out.push(pool[j]!);
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = g.randbelow(n);
        while (selected.has(j)) j = g.randbelow(n);
        selected.add(j);
        out.push(pop[j]!);
      }
    }
    return new PyList(out);
  });
  def('gauss', (args) => {
    const mu = args[0] === undefined ? 0 : numberOf(args[0])!;
    const sigma = args[1] === undefined ? 1 : numberOf(args[1])!;
    let z = gaussNext;
    gaussNext = null;
    if (z === null) {
      const x2pi = g.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * Math.log(1 - g.random()));
      z = Math.cos(x2pi) * g2rad;
      gaussNext = Math.sin(x2pi) * g2rad;
    }
    return float(mu + z * sigma);
  });
  def('normalvariate', (args) => {
    const mu = args[0] === undefined ? 0 : numberOf(args[0])!;
    const sigma = args[1] === undefined ? 1 : numberOf(args[1])!;
    const NV_MAGICCONST = 4 * Math.exp(-0.5) / Math.sqrt(2);
    for (;;) {
      const u1 = g.random();
      const u2 = 1 - g.random();
      const z = NV_MAGICCONST * (u1 - 0.5) / u2;
      if (z * z / 4 <= -Math.log(u2)) return float(mu + z * sigma);
    }
  });
  def('getrandbits', (args) => g.getrandbits(intOf(args[0]!, 'k')));
  void PyFloat;
  void PyTuple;
  return new PyModule('random', a);
}
