/** Evaluates the playground language's AST into tapegrad ops, so every step lands on the tape. */
import {
  Tensor, abs, add, div, exp, log, logSoftmax, matmul, max, mean, mul, neg, pow, randn, relu, sigmoid, softmax,
  sqrt, sub, sum, tanh, tensor, transpose, zeros, ones,
} from '../../src/index.js';
import { curveDataset } from '../../src/data/curve.js';
import { SourceError, lineColumn } from './parser.js';
import type { Expr } from './parser.js';

/** What an expression evaluates to: a tensor (on the tape when it depends on a parameter) or a plain number. */
export type Value = Tensor | number;

/** Names in scope while evaluating. */
export type Scope = ReadonlyMap<string, Value>;

/** Called with every sub-expression and its value, innermost first (the page names unnamed tensors by their text). */
export type Witness = (expr: Expr, value: Value) => void;

type Fn = (args: Value[], at: Expr) => Value;

const asTensor = (v: Value): Tensor => (typeof v === 'number' ? tensor(v) : v);

function numberArg(fn: string, v: Value | undefined, what: string, at: Expr): number {
  if (v === undefined) throw new SourceError(`${fn}: missing ${what}`, at.start, at.end);
  if (typeof v === 'number') return v;
  if (v.size === 1 && !v.requiresGrad) return v.item();
  throw new SourceError(`${fn}: ${what} must be a number, got a tensor of shape [${v.shape.join(',')}]`, at.start, at.end);
}

function unary(name: string, f: (t: Tensor) => Tensor, g: (x: number) => number): Fn {
  return (args, at) => {
    if (args.length !== 1) throw new SourceError(`${name} takes 1 argument, got ${args.length}`, at.start, at.end);
    const x = args[0]!;
    return typeof x === 'number' ? g(x) : f(x);
  };
}

function reduction(name: string, f: (t: Tensor, axis?: number, keep?: boolean) => Tensor): Fn {
  return (args, at) => {
    if (args.length < 1 || args.length > 3) {
      throw new SourceError(`${name}(x, axis?, keepDims?) takes 1 to 3 arguments, got ${args.length}`, at.start, at.end);
    }
    const x = asTensor(args[0]!);
    if (args.length === 1) return f(x);
    const axis = numberArg(name, args[1], 'axis', at);
    const keep = args.length === 3 ? numberArg(name, args[2], 'keepDims', at) !== 0 : false;
    return f(x, axis, keep);
  };
}

function dims(name: string, args: Value[], at: Expr, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = numberArg(name, args[i], `size ${i + 1}`, at);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw new SourceError(`${name}: sizes must be whole numbers from 1 to 10000, got ${n}`, at.start, at.end);
    }
    out.push(n);
  }
  const total = out.reduce((a, b) => a * b, 1);
  if (total > 1_000_000) throw new SourceError(`${name}: ${out.join('×')} = ${total} elements is too big for the page (limit 1000000)`, at.start, at.end);
  return out;
}

/** Built-in functions; generators (randn, zeros, curveX…) make constants for the values box. */
export const FUNCTIONS: Record<string, Fn> = {
  sigmoid: unary('sigmoid', sigmoid, (x) => 1 / (1 + Math.exp(-x))),
  tanh: unary('tanh', tanh, Math.tanh),
  exp: unary('exp', exp, Math.exp),
  log: unary('log', log, Math.log),
  relu: unary('relu', relu, (x) => Math.max(0, x)),
  sqrt: unary('sqrt', sqrt, Math.sqrt),
  abs: unary('abs', abs, Math.abs),
  sum: reduction('sum', sum),
  mean: reduction('mean', mean),
  max: reduction('max', max),
  softmax: (args, at) => softmax(asTensor(args[0]!), args.length > 1 ? numberArg('softmax', args[1], 'axis', at) : -1),
  logSoftmax: (args, at) => logSoftmax(asTensor(args[0]!), args.length > 1 ? numberArg('logSoftmax', args[1], 'axis', at) : -1),
  T: unary('T', (t) => transpose(t), (x) => x),
  transpose: unary('transpose', (t) => transpose(t), (x) => x),
  size: (args, at) => {
    if (args.length !== 1) throw new SourceError(`size takes 1 argument, got ${args.length}`, at.start, at.end);
    const x = args[0]!;
    return typeof x === 'number' ? 1 : x.size;
  },
  randn: (args, at) => {
    if (args.length !== 3) throw new SourceError('randn(rows, cols, seed) takes 3 arguments', at.start, at.end);
    return randn(dims('randn', args, at, 2), { seed: numberArg('randn', args[2], 'seed', at) });
  },
  zeros: (args, at) => zeros(dims('zeros', args, at, args.length)),
  ones: (args, at) => ones(dims('ones', args, at, args.length)),
  linspace: (args, at) => {
    if (args.length !== 3) throw new SourceError('linspace(from, to, n) takes 3 arguments', at.start, at.end);
    const a = numberArg('linspace', args[0], 'from', at);
    const b = numberArg('linspace', args[1], 'to', at);
    const [n] = dims('linspace', [args[2]!], at, 1) as [number];
    return tensor(Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1))), { shape: [1, n] });
  },
  curveX: (args, at) => {
    const [n] = dims('curveX', args, at, 1) as [number];
    return tensor(curveDataset({ n }).x, { shape: [1, n] });
  },
  curveY: (args, at) => {
    const [n] = dims('curveY', args, at, 1) as [number];
    return tensor(curveDataset({ n }).y, { shape: [2, n] });
  },
};

/** Wraps an op's own error (e.g. a shape mismatch) with the position of the sub-expression that caused it. */
function located<T>(src: string, expr: Expr, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const { line, column } = lineColumn(src, expr.start);
    const message = error instanceof Error ? error.message : String(error);
    throw new SourceError(`${message} (in '${src.slice(expr.start, expr.end)}' at line ${line}, column ${column})`, expr.start, expr.end);
  }
}

function binary(op: string, a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      case '^': return a ** b;
      default: throw new Error(`matmul: both operands are numbers (${a} @ ${b}); @ needs matrices`);
    }
  }
  switch (op) {
    case '+': return add(a, b);
    case '-': return sub(a, b);
    case '*': return mul(a, b);
    case '/': return div(a, b);
    case '^': return typeof a === 'number' ? pow(tensor(a), b) : pow(a, b);
    default: return matmul(asTensor(a), asTensor(b));
  }
}

function arrayLiteral(items: Value[], expr: Expr): Tensor {
  if (items.length === 0) throw new SourceError('an array needs at least one element', expr.start, expr.end);
  let inner: readonly number[] | null = null;
  const values: number[] = [];
  for (const item of items) {
    if (item instanceof Tensor && item.requiresGrad) {
      throw new SourceError('array literals hold constants; this element depends on a parameter', expr.start, expr.end);
    }
    const shape = typeof item === 'number' ? [] : item.shape;
    if (inner === null) inner = shape;
    else if (inner.join(',') !== shape.join(',')) {
      throw new SourceError(`ragged array: rows of shape [${inner.join(',')}] and [${shape.join(',')}]`, expr.start, expr.end);
    }
    if (typeof item === 'number') values.push(item);
    else values.push(...item.data());
  }
  return tensor(values, { shape: [items.length, ...(inner ?? [])] });
}

/**
 * Evaluates an expression against a scope; op errors come back as SourceErrors pointing at the sub-expression.
 * @example
 * evaluate(parseExpression('2*x'), new Map([['x', 3]]), '2*x'); // 6
 */
export function evaluate(expr: Expr, scope: Scope, src: string, seen?: Witness): Value {
  const v = evaluateNode(expr, scope, src, seen);
  seen?.(expr, v);
  return v;
}

function evaluateNode(expr: Expr, scope: Scope, src: string, seen: Witness | undefined): Value {
  switch (expr.kind) {
    case 'num':
      return expr.value;
    case 'name': {
      const v = scope.get(expr.name);
      if (v === undefined) {
        const known = [...scope.keys()].join(', ') || 'none';
        const { line, column } = lineColumn(src, expr.start);
        const hint = FUNCTIONS[expr.name] ? ` ('${expr.name}' is a function: write ${expr.name}(…))` : '';
        throw new SourceError(`unknown name '${expr.name}' at line ${line}, column ${column}${hint}; known names: ${known}`, expr.start, expr.end);
      }
      return v;
    }
    case 'unary': {
      const v = evaluate(expr.arg, scope, src, seen);
      if (expr.op === '+') return v;
      return typeof v === 'number' ? -v : located(src, expr, () => neg(v));
    }
    case 'binary': {
      const a = evaluate(expr.left, scope, src, seen);
      const b = evaluate(expr.right, scope, src, seen);
      return located(src, expr, () => binary(expr.op, a, b));
    }
    case 'call': {
      const fn = FUNCTIONS[expr.fn];
      if (!fn) {
        const { line, column } = lineColumn(src, expr.start);
        throw new SourceError(
          `unknown function '${expr.fn}' at line ${line}, column ${column}; available: ${Object.keys(FUNCTIONS).join(', ')}`,
          expr.start, expr.start + expr.fn.length,
        );
      }
      const args = expr.args.map((a) => evaluate(a, scope, src, seen));
      return located(src, expr, () => fn(args, expr));
    }
    case 'array':
      return arrayLiteral(expr.items.map((a) => evaluate(a, scope, src, seen)), expr);
  }
}
