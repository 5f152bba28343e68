/** Argument checks shared by the public functions: each throws an Error naming the function and showing the bad value. */

/** A bad value as a message shows it: numbers as written (NaN, -1), strings quoted, else its kind. */
export function show(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) {
    const text = JSON.stringify(x);
    return text !== undefined && text.length <= 60 ? `an array ${text}` : `an array of ${x.length}`;
  }
  if (typeof x === 'function') return 'a function';
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return `an object (${x.constructor?.name ?? 'Object'})`;
}

/** Throws unless `x` is a function. */
export function expectFunction(fn: string, what: string, x: unknown): void {
  if (typeof x !== 'function') throw new Error(`${fn}: ${what} must be a function, got ${show(x)}`);
}

/** Throws unless `x` is undefined or a boolean. */
export function expectFlag(fn: string, what: string, x: unknown): void {
  if (x !== undefined && typeof x !== 'boolean') throw new Error(`${fn}: ${what} must be true or false, got ${show(x)}`);
}

/** Throws unless `x` is a finite number (within [min, max] when given). */
export function expectFinite(fn: string, what: string, x: unknown, min = -Infinity, max = Infinity): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    const range = min === -Infinity && max === Infinity ? '' : ` in [${min}, ${max}]`;
    throw new Error(`${fn}: ${what} must be a finite number${range}, got ${show(x)}`);
  }
  return x;
}

/** Throws unless `x` is an integer ≥ `min`. */
export function expectInteger(fn: string, what: string, x: unknown, min = 0): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new Error(`${fn}: ${what} must be an integer ≥ ${min}, got ${show(x)}`);
  }
  return x;
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `known`: a typo
 * (`{ reduce: 'sum' }`) would otherwise be ignored in silence.
 */
export function expectOptions(fn: string, options: unknown, known: readonly string[], what = 'options'): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${fn}: ${what} must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new Error(`${fn}: unknown option '${key}' in ${what} (known: ${known.join(', ')})`);
    }
  }
}
