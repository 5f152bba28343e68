/**
 * Trigonometric functions (numpy's sin, cos, tan, arcsin, arccos, arctan) as primitives, and
 * floor/ceil as piecewise-constant ops. floor and ceil are never recorded: what flows through them
 * gets gradient 0, which is PyTorch's rule (`floor: zeros_like(grad)` in derivatives.yaml), not an error.
 */
import { add, div, mul, sub } from './arithmetic.js';
import { neg, sqrt, unaryOp } from './unary.js';

const sinOp = unaryOp({ name: 'sin', body: 'r = Math.sin(x);', formula: 'g · cos(x)', vjp: (g, x) => mul(g, cos(x)) });
const cosOp = unaryOp({ name: 'cos', body: 'r = Math.cos(x);', formula: '−g · sin(x)', vjp: (g, x) => neg(mul(g, sin(x))) });
// From the saved output: tan' = 1 + tan².
const tanOp = unaryOp({ name: 'tan', body: 'r = Math.tan(x);', formula: 'g · (1 + y²)', vjp: (g, _x, y) => mul(g, add(mul(y, y), 1)) });
const arcsinOp = unaryOp({
  name: 'arcsin', body: 'r = Math.asin(x);', formula: 'g / √(1 − x²)', vjp: (g, x) => div(g, sqrt(sub(1, mul(x, x)))),
});
const arccosOp = unaryOp({
  name: 'arccos', body: 'r = Math.acos(x);', formula: '−g / √(1 − x²)', vjp: (g, x) => neg(div(g, sqrt(sub(1, mul(x, x))))),
});
const arctanOp = unaryOp({ name: 'arctan', body: 'r = Math.atan(x);', formula: 'g / (1 + x²)', vjp: (g, x) => div(g, add(mul(x, x), 1)) });
const floorOp = unaryOp({ name: 'floor', body: 'r = Math.floor(x);', formula: '0' });
const ceilOp = unaryOp({ name: 'ceil', body: 'r = Math.ceil(x);', formula: '0' });

/** Sine (radians). @example sin(tensor([0])).toArray() // [0] */
export const sin = sinOp.apply;
/** Cosine (radians). @example cos(tensor([0])).toArray() // [1] */
export const cos = cosOp.apply;
/** Tangent (radians). @example tan(tensor([0])).toArray() // [0] */
export const tan = tanOp.apply;
/** Inverse sine, NaN outside [−1, 1] (numpy's arcsin). @example arcsin(tensor([1])).toArray() // [1.5707963267948966] */
export const arcsin = arcsinOp.apply;
/** Inverse cosine, NaN outside [−1, 1] (numpy's arccos). @example arccos(tensor([1])).toArray() // [0] */
export const arccos = arccosOp.apply;
/** Inverse tangent (numpy's arctan). @example arctan(tensor([0])).toArray() // [0] */
export const arctan = arctanOp.apply;
/** The largest whole number ≤ x (never recorded: gradient 0, as in PyTorch). @example floor(tensor([-1.5, 2.5])).toArray() // [-2, 2] */
export const floor = floorOp.apply;
/** The smallest whole number ≥ x (never recorded: gradient 0, as in PyTorch). @example ceil(tensor([-1.5, 2.5])).toArray() // [-1, 3] */
export const ceil = ceilOp.apply;

export const TRIG_OPS = {
  sin: sinOp.def, cos: cosOp.def, tan: tanOp.def, arcsin: arcsinOp.def, arccos: arccosOp.def, arctan: arctanOp.def,
  floor: floorOp.def, ceil: ceilOp.def,
};
