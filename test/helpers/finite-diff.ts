/** A deliberately plain central-difference checker for the core's own tests (independent of src/check). */
import { grad, Tensor, tensor } from '../../src/index.js';

export interface Mismatch {
  input: number;
  index: number;
  analytical: number;
  numerical: number;
}

/** Central differences of a scalar function of float64 tensors, one element at a time. */
export function numericalGradients(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], eps = 1e-6): Float64Array[] {
  return inputs.map((x, k) => {
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const at = (delta: number): number => {
        const values = Float64Array.from(x.storage);
        values[i]! += delta;
        const args = inputs.map((y, j) => (j === k ? tensor(values, { shape: x.shape }) : y));
        return f(...args).item();
      };
      out[i] = (at(eps) - at(-eps)) / (2 * eps);
    }
    return out;
  });
}

/** Every element where autodiff and finite differences differ beyond atol + rtol·|numerical|. */
export function compareWithFiniteDifferences(
  f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], tolerance = { atol: 1e-6, rtol: 1e-5, eps: 1e-6 },
): Mismatch[] {
  const analytical = grad(f)(...inputs);
  const numerical = numericalGradients(f, inputs, tolerance.eps);
  const bad: Mismatch[] = [];
  analytical.forEach((g, k) => {
    const n = numerical[k]!;
    for (let i = 0; i < n.length; i++) {
      const a = g.storage[i]!;
      if (!(Math.abs(a - n[i]!) <= tolerance.atol + tolerance.rtol * Math.abs(n[i]!))) {
        bad.push({ input: k, index: i, analytical: a, numerical: n[i]! });
      }
    }
  });
  return bad;
}

/** A fixed pseudo-random projection so a non-scalar output becomes a scalar with every element weighted. */
export function projection(shape: readonly number[], salt: number): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = Math.sin(1.7 * i + salt) + 0.3;
  return tensor(w, { shape });
}

/** Central difference of f along tangents: (f(x + εt) − f(x − εt)) / 2ε, element by element of the output. */
export function directionalDifference(
  f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], tangents: readonly Tensor[], eps = 1e-6,
): Float64Array {
  const at = (delta: number): Float64Array => {
    const args = inputs.map((x, k) => {
      const values = Float64Array.from(x.storage, (v, i) => v + delta * tangents[k]!.storage[i]!);
      return tensor(values, { shape: x.shape });
    });
    return Float64Array.from(f(...args).storage);
  };
  const plus = at(eps);
  const minus = at(-eps);
  return plus.map((p, i) => (p - minus[i]!) / (2 * eps));
}

/** Elements where `a` and `b` differ beyond atol + rtol·|b|, as [index, a, b]. */
export function differences(a: ArrayLike<number>, b: ArrayLike<number>, tol: { atol: number; rtol: number }): [number, number, number][] {
  const bad: [number, number, number][] = [];
  if (a.length !== b.length) return [[-1, a.length, b.length]];
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= tol.atol + tol.rtol * Math.abs(b[i]!))) bad.push([i, a[i]!, b[i]!]);
  }
  return bad;
}
