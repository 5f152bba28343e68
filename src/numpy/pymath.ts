/** Python's `math` module over our values (scalars only; arrays are a TypeError as in Python). */
import { PyRaise } from './errors.js';
import { float, intOf, isArray, iterate, numberOf, truthy } from './pyops.js';
import { HostFn, PyFloat, PyModule, typeName, type Value } from './values.js';

function num(v: Value, fname: string): number {
  if (isArray(v) && v.tensor.size !== 1) throw new PyRaise('TypeError', 'only length-1 arrays can be converted to Python scalars');
  const n = numberOf(v) ?? (isArray(v) ? v.tensor.storage[0]! : null);
  if (n === null) throw new PyRaise('TypeError', `must be real number, not ${typeName(v)} (in math.${fname})`);
  return n;
}

function domain(x: number): PyFloat {
  if (Number.isNaN(x)) throw new PyRaise('ValueError', 'math domain error');
  return float(x);
}

/** A fresh `math` module. */
export function makeMathModule(): PyModule {
  const a = new Map<string, Value>();
  const f1 = (name: string, f: (x: number) => number, checked = true): void => {
    a.set(name, new HostFn(name, (args) => {
      const x = num(args[0]!, name);
      const r = f(x);
      return checked && !Number.isNaN(x) ? domain(r) : float(r);
    }));
  };
  f1('sqrt', Math.sqrt);
  f1('exp', Math.exp);
  f1('log10', Math.log10);
  f1('log2', Math.log2);
  f1('log1p', Math.log1p);
  f1('expm1', Math.expm1);
  f1('sin', Math.sin);
  f1('cos', Math.cos);
  f1('tan', Math.tan);
  f1('asin', Math.asin);
  f1('acos', Math.acos);
  f1('atan', Math.atan);
  f1('sinh', Math.sinh);
  f1('cosh', Math.cosh);
  f1('tanh', Math.tanh);
  f1('fabs', Math.abs);
  f1('degrees', (x) => (x * 180) / Math.PI);
  f1('radians', (x) => (x * Math.PI) / 180);
  a.set('log', new HostFn('log', (args) => {
    const x = num(args[0]!, 'log');
    if (x <= 0) throw new PyRaise('ValueError', 'math domain error');
    return float(args.length > 1 ? Math.log(x) / Math.log(num(args[1]!, 'log')) : Math.log(x));
  }));
  a.set('pow', new HostFn('pow', (args) => domain(num(args[0]!, 'pow') ** num(args[1]!, 'pow'))));
  a.set('atan2', new HostFn('atan2', (args) => float(Math.atan2(num(args[0]!, 'atan2'), num(args[1]!, 'atan2')))));
  a.set('hypot', new HostFn('hypot', (args) => float(Math.hypot(...args.map((x) => num(x, 'hypot'))))));
  a.set('copysign', new HostFn('copysign', (args) => float(Math.sign(num(args[1]!, 'copysign')) * Math.abs(num(args[0]!, 'copysign')))));
  for (const [name, f] of [['floor', Math.floor], ['ceil', Math.ceil], ['trunc', Math.trunc]] as const) {
    a.set(name, new HostFn(name, (args) => {
      const x = num(args[0]!, name);
      if (!Number.isFinite(x)) throw new PyRaise(Number.isNaN(x) ? 'ValueError' : 'OverflowError', `cannot convert float ${x} to integer`);
      return f(x);
    }));
  }
  a.set('isnan', new HostFn('isnan', (args) => Number.isNaN(num(args[0]!, 'isnan'))));
  a.set('isinf', new HostFn('isinf', (args) => Math.abs(num(args[0]!, 'isinf')) === Infinity));
  a.set('isfinite', new HostFn('isfinite', (args) => Number.isFinite(num(args[0]!, 'isfinite'))));
  a.set('isclose', new HostFn('isclose', (args, kwargs) => {
    const x = num(args[0]!, 'isclose');
    const y = num(args[1]!, 'isclose');
    const rel = kwargs.has('rel_tol') ? num(kwargs.get('rel_tol')!, 'isclose') : 1e-9;
    const abs = kwargs.has('abs_tol') ? num(kwargs.get('abs_tol')!, 'isclose') : 0;
    return x === y || Math.abs(x - y) <= Math.max(rel * Math.max(Math.abs(x), Math.abs(y)), abs);
  }));
  a.set('factorial', new HostFn('factorial', (args) => {
    const n = intOf(args[0]!, 'factorial() argument');
    if (n < 0) throw new PyRaise('ValueError', 'factorial() not defined for negative values');
    let r = 1;
    for (let i = 2; i <= n; i++) r *= i;
    return r;
  }));
  a.set('comb', new HostFn('comb', (args) => {
    const n = intOf(args[0]!, 'n');
    const k = intOf(args[1]!, 'k');
    if (k < 0 || k > n) return 0;
    let r = 1;
    for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
    return Math.round(r);
  }));
  a.set('gcd', new HostFn('gcd', (args) => {
    let [x, y] = args.map((v) => Math.abs(intOf(v, 'gcd'))) as [number, number];
    while (y) [x, y] = [y, x % y];
    return x;
  }));
  a.set('prod', new HostFn('prod', (args) => {
    let p: number = 1;
    let isFloat = false;
    for (const v of iterate(args[0]!)) {
      if (v instanceof PyFloat) isFloat = true;
      p *= num(v, 'prod');
    }
    return isFloat ? float(p) : p;
  }));
  a.set('fsum', new HostFn('fsum', (args) => {
    // Neumaier summation: exact enough to match CPython's correctly rounded fsum on ordinary inputs.
    let s = 0;
    let c = 0;
    for (const v of iterate(args[0]!)) {
      const x = num(v, 'fsum');
      const t = s + x;
      c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
      s = t;
    }
    return float(s + c);
  }));
  a.set('pi', float(Math.PI));
  a.set('e', float(Math.E));
  a.set('tau', float(2 * Math.PI));
  a.set('inf', float(Infinity));
  a.set('nan', float(NaN));
  void truthy;
  return new PyModule('math', a);
}

