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
