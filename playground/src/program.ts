/** A playground problem: named values, the loss program over them, and an optional hand-derived gradient. */
import { Tensor, isGradEnabled, noGrad, sum, tensor } from '../../src/index.js';
import { evaluate, type Value } from './evaluate.js';
import { SourceError, lineColumn, parseProgram } from './parser.js';

/** A named leaf: a parameter (gets a gradient) or `data` (a constant input). */
export interface NamedValue {
  readonly name: string;
  readonly tensor: Tensor;
  readonly data: boolean;
}

/** The result of running the loss program once, with recording on. */
export interface Forward {
  readonly loss: Tensor;
  /** Names for tensors: values and named intermediates (`z1 = …`), for the graph. */
  readonly labels: Map<Tensor, string>;
  /** Every name the program defined, values included. */
  readonly scope: Map<string, Value>;
  /** The source text of every other tensor the program computed (`yhat - y`), for naming unnamed steps. */
  readonly texts: Map<Tensor, string>;
}

const RESERVED = new Set(['data']);

/** `(a - b)` → `a - b`, when the outer parentheses enclose the whole text. */
function unwrap(text: string): string {
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
      if (depth === 0 && i < text.length - 1) return text;
    }
    text = text.slice(1, -1).trim();
  }
  return text;
}

/**
 * Parses and evaluates the values box (`w1 = 0.5`, `data x = curveX(100)`, `W = [[1, 2], [3, 4]]`) into leaves.
 * @example
 * parseValues('w = 2\ndata x = 3').map((v) => [v.name, v.data]); // [['w', false], ['x', true]]
 */
export function parseValues(src: string): NamedValue[] {
  const out: NamedValue[] = [];
  const scope = new Map<string, Value>();
  for (const st of parseProgram(src)) {
    if (st.name === null) {
      const { line } = lineColumn(src, st.start);
      throw new SourceError(`line ${line}: write 'name = value' (e.g. w1 = 0.5)`, st.start, st.end);
    }
    if (scope.has(st.name)) {
      const { line } = lineColumn(src, st.start);
      throw new SourceError(`line ${line}: '${st.name}' is defined twice`, st.start, st.end);
    }
    const v = noGrad(() => evaluate(st.expr, scope, src));
    const values = typeof v === 'number' ? tensor(v) : v;
    const data = values.data();
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      const { line } = lineColumn(src, st.start);
      throw new SourceError(`line ${line}: '${st.name}' has a non-finite element (${data[bad]})`, st.start, st.end);
    }
    const leaf = tensor(data, { shape: [...values.shape], requiresGrad: !st.data, name: st.name });
    scope.set(st.name, leaf);
    out.push({ name: st.name, tensor: leaf, data: st.data });
  }
  if (out.length === 0) throw new SourceError('define at least one value, e.g. w1 = 0.5', 0, Math.max(1, src.length));
  return out;
}

/**
 * Runs the loss program: statements `name = expr` define intermediates; the last statement is the loss.
 * A size-1 result of higher rank is summed to a scalar so backward() can start from it.
 * @example
 * const [w] = parseValues('w = 3');
 * runForward('y = w*w; 0.5*y', [w!]).loss.item(); // 4.5
 */
export function runForward(src: string, values: readonly NamedValue[]): Forward {
  const scope = new Map<string, Value>();
  const labels = new Map<Tensor, string>();
  for (const v of values) {
    scope.set(v.name, v.tensor);
    labels.set(v.tensor, v.name);
  }
  const statements = parseProgram(src);
  if (statements.length === 0) throw new SourceError('enter an expression, e.g. 0.5*(sigmoid(w*x) - y)^2', 0, Math.max(1, src.length));
  const texts = new Map<Tensor, string>();
  const seen = (expr: { start: number; end: number }, v: Value): void => {
    if (v instanceof Tensor && !texts.has(v)) texts.set(v, unwrap(src.slice(expr.start, expr.end).trim()));
  };
  let last: Value = 0;
  for (const st of statements) {
    if (st.name !== null && (values.some((v) => v.name === st.name) || RESERVED.has(st.name))) {
      const { line } = lineColumn(src, st.start);
      throw new SourceError(`line ${line}: '${st.name}' is a value; pick another name for this intermediate`, st.start, st.end);
    }
    last = evaluate(st.expr, scope, src, seen);
    if (st.name !== null) {
      scope.set(st.name, last);
      if (last instanceof Tensor && !labels.has(last)) {
        labels.set(last, st.name);
        // The graph picture names boxes by .name; only fresh intermediates are named, never a value.
        if (last.name === undefined) last.name = st.name;
      }
    }
  }
  const final = statements[statements.length - 1]!;
  // Under noGrad (finite differences, hand formulas) nothing is recorded, so only a plain number is suspect.
  if (!(last instanceof Tensor) || (isGradEnabled() && last.node === null && !last.requiresGrad)) {
    throw new SourceError('the result does not depend on any parameter (mark fewer values as data?)', final.start, final.end);
  }
  if (last.size !== 1) {
    throw new SourceError(
      `the result has shape [${last.shape.join(',')}]; a loss must be one number: wrap it in sum(…) or mean(…)`,
      final.start, final.end,
    );
  }
  const loss = last.ndim === 0 ? last : sum(last);
  return { loss, labels, scope, texts };
}

/**
 * Parameters (non-data values) by name.
 * @example
 * Object.keys(paramsOf(parseValues('w = 1\ndata x = 2'))); // ['w']
 */
export function paramsOf(values: readonly NamedValue[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const v of values) if (!v.data) out[v.name] = v.tensor;
  return out;
}

/**
 * The loss as a function of the parameters (data values held fixed), for checkers and training.
 * @example
 * const values = parseValues('w = 3\ndata x = 2');
 * lossFunction('w*x', values)({ w: tensor(5) }).item(); // 10
 */
export function lossFunction(src: string, values: readonly NamedValue[]): (params: Record<string, Tensor>) => Tensor {
  return (params) => runForward(src, values.map((v) => (v.data ? v : { ...v, tensor: params[v.name] ?? v.tensor }))).loss;
}

/**
 * Evaluates a hand-derived gradient: lines `dW = …` give the gradient of parameter W; other lines are helpers.
 * Formulas see the values and the loss program's named intermediates (z1, a1, …) at the given parameters.
 * @example
 * const values = parseValues('w = 3');
 * handGradient('dw = w', 'w*w/2', values)({ w: values[0]!.tensor }).w!.item(); // 3
 */
export function handGradient(
  handSrc: string, exprSrc: string, values: readonly NamedValue[],
): (params: Record<string, Tensor>) => Record<string, Tensor> {
  const statements = parseProgram(handSrc);
  const params = paramsOf(values);
  const targets = new Set(Object.keys(params).map((p) => `d${p}`));
  const given = statements.filter((st) => st.name !== null && targets.has(st.name));
  if (given.length === 0) {
    const names = [...targets].join(', ');
    throw new SourceError(`no gradient given: write lines like ${[...targets][0] ?? 'dw'} = … (one of ${names})`, 0, Math.max(1, handSrc.length));
  }
  for (const st of statements) {
    if (st.name === null) {
      const { line } = lineColumn(handSrc, st.start);
      throw new SourceError(`line ${line}: write 'dName = formula' (or 'helper = formula')`, st.start, st.end);
    }
  }
  return (current) => noGrad(() => {
    const fwd = runForward(exprSrc, values.map((v) => (v.data ? v : { ...v, tensor: current[v.name] ?? v.tensor })));
    const scope = new Map<string, Value>(fwd.scope);
    const out: Record<string, Tensor> = {};
    for (const st of statements) {
      const v = evaluate(st.expr, scope, handSrc);
      scope.set(st.name!, v);
      if (targets.has(st.name!)) {
        const p = st.name!.slice(1);
        const t = typeof v === 'number' ? tensor(v) : v;
        const want = params[p]!.shape;
        if (t.shape.join(',') !== want.join(',')) {
          const { line } = lineColumn(handSrc, st.start);
          throw new SourceError(
            `line ${line}: ${st.name} has shape [${t.shape.join(',')}] but ${p} has shape [${want.join(',')}]`, st.start, st.end,
          );
        }
        out[p] = t;
      }
    }
    return out;
  });
}
