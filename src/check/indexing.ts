/** Flat ↔ multi-index conversion and the `W2[3,5]` notation every report uses. */

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    index[d] = size === 0 ? 0 : rest % size;
    rest = size === 0 ? 0 : Math.floor(rest / size);
  }
  return index;
}

/** The row-major flat position of `index` in `shape`. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + (index[d] ?? 0);
  return flat;
}

/** `W2[3,5]`; a 0-d tensor is just its name. */
export function elementName(name: string, index: readonly number[]): string {
  return index.length === 0 ? name : `${name}[${index.join(',')}]`;
}

/** Compact, stable number formatting for tables: 6 significant digits, exponent when needed. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(6)));
  return x.toExponential(2);
}
