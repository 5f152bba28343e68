/**
 * `tapegrad.verify(params, loss, grads)` inside a numpy file: the user's own loss and hand-written
 * grads checked three ways (hand, autodiff of their forward, float64 central differences), and the
 * backward's first wrong line found by comparing each of its lines with the forward pass.
 */
import { verifyGradients } from '../../check/verify.js';
import type { ParamReport } from '../../check/verify.js';
import { manualKeys } from '../../check/manual.js';
import { Tensor } from '../../tensor.js';
import type { CallContext, PyValue, StatementEvent } from '../host.js';
import { asTensor, dictEntries, isNdArray, listItems, makeNdArray, pyRepr, pyStr, toPy } from '../host.js';
import type { Captured } from './capture.js';
import { capture } from './capture.js';
import { analyseBackward, localFactorWords } from './first-wrong.js';
import { fitFactor, float64 } from './match.js';
import type { Convention, WrongLine } from './first-wrong.js';
import { ForwardFacts } from './forward.js';

/** One parameter's verdict, as the report and `--json` give it. */
export interface ParamVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly shape: number[];
  /** The key (or list position) the hand gradient came under: `dW1`, `J_W1`, `#0`. */
  readonly key: string | null;
  readonly diagnosis: string | null;
  readonly kind: ParamReport['diagnosisKind'] | null;
  /** Hand vs autodiff, the largest elementwise relative error. */
  readonly maxRelError: number;
}

/** Everything one `tapegrad.verify` call found. */
export interface VerifyCheck {
  readonly line: number;
  readonly column: number;
  readonly ok: boolean;
  readonly params: ParamVerdict[];
  /** Keys of the hand gradients that match no parameter (`dA0`): listed, not checked. */
  readonly notChecked: string[];
  readonly firstWrongLine: WrongLine | null;
  readonly conventions: Convention[];
  /** Backward lines recognised as gradients of forward quantities: `{ line, variable, as }`. */
  readonly recognised: ReadonlyArray<{ line: number; variable: string; as: string }>;
  readonly seconds: number;
}

/** One parameter slot: where its array lives and how to put another there. */
export interface Slot {
  readonly name: string;
  readonly original: Tensor;
  readonly dtype: string;
}

export interface Params {
  readonly slots: Slot[];
  /** Puts arrays holding `tensors` into the slots and returns the call arguments for loss/grads. */
  install(tensors: readonly Tensor[]): PyValue[];
  restore(): void;
}

/** A float64 copy of `t` as a fresh leaf (also used by trace.ts). */
export function leaf(t: Tensor, requiresGrad: boolean): Tensor {
  const out = new Tensor(Float64Array.from(t.storage), t.shape);
  out.requiresGrad = requiresGrad;
  return out;
}

function arrayOf(ctx: CallContext, v: PyValue, what: string): Tensor {
  const t = isNdArray(v) ? asTensor(v) : null;
  if (t === null) throw ctx.error(`tapegrad.verify: ${what} must be a numpy array, got ${pyRepr(v).slice(0, 60)}`);
  return t;
}

/** The parameters as verify reads them; also trace.ts's, so both see the same slots in the same order. */
export function resolveParams(ctx: CallContext, params: PyValue): Params {
  const entries = dictEntries(params);
  if (entries !== null) {
    const keep = entries.filter(([, v]) => isNdArray(v));
    const slots = keep.map(([k, v]) => ({ name: pyStr(k), original: arrayOf(ctx, v, `params[${pyRepr(k)}]`), dtype: 'float64' }));
    const others = entries.filter(([, v]) => !isNdArray(v));
    if (slots.length === 0) throw ctx.error('tapegrad.verify: params is a dict with no numpy arrays in it');
    return {
      slots,
      install: (ts) => [toPy(Object.fromEntries([
        ...others.map(([k, v]) => [pyStr(k), v] as const),
        ...slots.map((s, i) => [s.name, makeNdArray(ts[i]!)] as const),
      ]))],
      restore: () => undefined,
    };
  }
  const names = listItems(params);
  if (names === null || names.length === 0) {
    throw ctx.error('tapegrad.verify: params must be a dict name → array, or a list of the names of global arrays (e.g. ["W1", "b1"])');
  }
  const globals: { name: string; value: PyValue; arrays: number | null }[] = [];
  const slots: Slot[] = [];
  for (const n of names) {
    const name = pyStr(n);
    const value = ctx.getGlobal(name);
    if (value === undefined) throw ctx.error(`tapegrad.verify: there is no global named '${name}'`);
    if (isNdArray(value)) {
      globals.push({ name, value, arrays: null });
      slots.push({ name, original: arrayOf(ctx, value, name), dtype: 'float64' });
      continue;
    }
    const items = listItems(value);
    if (items === null || items.length === 0 || !items.every(isNdArray)) {
      throw ctx.error(`tapegrad.verify: the global '${name}' must be a numpy array or a list of them, got ${pyRepr(value).slice(0, 60)}`);
    }
    globals.push({ name, value, arrays: items.length });
    items.forEach((it, i) => slots.push({ name: `${name}[${i}]`, original: arrayOf(ctx, it, `${name}[${i}]`), dtype: 'float64' }));
  }
  return {
    slots,
    install: (ts) => {
      let k = 0;
      for (const g of globals) {
        if (g.arrays === null) ctx.setGlobal(g.name, makeNdArray(ts[k++]!));
        else ctx.setGlobal(g.name, toPy(Array.from({ length: g.arrays }, () => makeNdArray(ts[k++]!))));
      }
      return [];
    },
    restore: () => {
      for (const g of globals) ctx.setGlobal(g.name, g.value);
    },
  };
}

function scalarLoss(ctx: CallContext, v: PyValue): Tensor {
  const items = listItems(v);
  const first = items !== null && items.length > 0 ? items[0]! : v;
  const t = asTensor(first);
  if (t === null) throw ctx.error(`tapegrad.verify: loss must return a number (or a tuple whose first item is the loss), got ${pyRepr(v).slice(0, 60)}`);
  if (t.size !== 1) throw ctx.error(`tapegrad.verify: loss must return a single number, got an array of shape (${t.shape.join(', ')})`);
  return t;
}

/** The hand gradients by parameter, and the keys that match none. */
function readGrads(ctx: CallContext, result: PyValue, slots: readonly Slot[]): { hand: Map<string, { key: string; tensor: Tensor }>; extra: string[] } {
  const hand = new Map<string, { key: string; tensor: Tensor }>();
  if (result === null || result === undefined || pyRepr(result) === 'None') {
    throw ctx.error('tapegrad.verify: grads returned None: it must return the hand gradients, a dict (keys W1, dW1 or J_W1 for parameter W1) or a list in params order (a function that updates the weights, like seed 002\'s train_one_sample, returns nothing: return weight_gradients + bias_gradients instead)');
  }
  const entries = dictEntries(result);
  if (entries !== null) {
    const byKey = new Map(entries.map(([k, v]) => [pyStr(k), v]));
    const used = new Set<string>();
    for (const s of slots) {
      const key = manualKeys(s.name).find((k) => byKey.has(k) && !used.has(k));
      if (key === undefined) continue;
      used.add(key);
      const t = asTensor(byKey.get(key)!);
      if (t === null) throw ctx.error(`tapegrad.verify: grads()[${JSON.stringify(key)}] is not a number or an array`);
      hand.set(s.name, { key, tensor: t });
    }
    return { hand, extra: [...byKey.keys()].filter((k) => !used.has(k)) };
  }
  const items = listItems(result);
  if (items === null) throw ctx.error(`tapegrad.verify: grads must return a dict or a list of arrays, got ${pyRepr(result).slice(0, 60)}`);
  if (items.length !== slots.length) {
    throw ctx.error(`tapegrad.verify: grads returned ${items.length} gradients for ${slots.length} parameters (${slots.map((s) => s.name).join(', ')}); a list must follow params' order`);
  }
  items.forEach((v, i) => {
    const t = asTensor(v);
    if (t === null) throw ctx.error(`tapegrad.verify: gradient #${i} (for ${slots[i]!.name}) is not a number or an array`);
    hand.set(slots[i]!.name, { key: `#${i}`, tensor: t });
  });
  return { hand, extra: [] };
}

function traced<T>(ctx: CallContext, body: () => T): { value: T; events: Captured[] } {
  const events: Captured[] = [];
  let seq = 0;
  const value = ctx.trace((e: StatementEvent) => events.push(capture(e, seq++)), body);
  return { value, events };
}

/**
 * Runs one `tapegrad.verify(params, loss, grads)` from its host call. The user's globals are
 * restored afterwards, whatever `loss` and `grads` did to them.
 */
export function runVerify(args: PyValue[], kwargs: Record<string, PyValue>, ctx: CallContext): VerifyCheck {
  const start = performance.now();
  const [paramsArg, lossFn, gradsFn] = [args[0] ?? kwargs['params'], args[1] ?? kwargs['loss'], args[2] ?? kwargs['grads']];
  if (paramsArg === undefined || lossFn === undefined || gradsFn === undefined) {
    throw ctx.error('tapegrad.verify(params, loss, grads): three arguments are needed');
  }
  const batch = kwargs['batch_size'] === undefined ? undefined : asTensor(kwargs['batch_size'])?.storage[0];
  const p = resolveParams(ctx, paramsArg);
  try {
    const names = p.slots.map((s) => s.name);
    const callLoss = (ts: readonly Tensor[]): Tensor => scalarLoss(ctx, ctx.call(lossFn, p.install(ts)));

    const lossLeaves = p.slots.map((s) => leaf(s.original, true));
    const forward = traced(ctx, () => callLoss(lossLeaves));
    const gradLeaves = p.slots.map((s) => leaf(s.original, true));
    const backward = traced(ctx, () => ctx.call(gradsFn, p.install(gradLeaves)));
    const { hand, extra } = readGrads(ctx, backward.value, p.slots);

    const manual = Object.fromEntries([...hand].map(([n, h]) => [n, new Tensor(Float64Array.from(h.tensor.storage), h.tensor.shape)]));
    const report = verifyGradients({
      params: Object.fromEntries(p.slots.map((s) => [s.name, leaf(s.original, false)])),
      loss: (q) => callLoss(names.map((n) => q[n]!)),
      manual: () => manual,
      ...(batch === undefined ? {} : { batchSize: batch }),
    });
    const params: ParamVerdict[] = report.params.map((r) => ({
      name: r.name, ok: r.ok, shape: r.shape, key: hand.get(r.name)?.key ?? null,
      diagnosis: r.diagnosis ?? null, kind: r.diagnosisKind ?? null, maxRelError: r.maxRelError,
    }));

    let analysis: ReturnType<typeof analyseBackward> = { firstWrongLine: null, conventions: [], recognised: [] };
    if (forward.value.requiresGrad) {
      const fwd = new ForwardFacts(forward.value, names.map((n, i) => ({ name: n, tensor: lossLeaves[i]! })), forward.events);
      const finals = params.flatMap((v, i) => {
        const h = hand.get(v.name);
        const q = fwd.byTensor.get(lossLeaves[i]!);
        return h === undefined || q === undefined ? [] : [{ param: v.name, quantity: q, tensor: h.tensor, ok: v.ok }];
      });
      analysis = analyseBackward(fwd, backward.events, finals);
      // A constant factor that is a local derivative of the user's forward, said with their names.
      params.forEach((v, i) => {
        const h = hand.get(v.name);
        const q = fwd.byTensor.get(lossLeaves[i]!);
        const g = q === undefined ? undefined : fwd.gradOf(q, fwd.epsFree !== null) ?? fwd.gradOf(q);
        if (v.ok || v.kind !== 'factor' || h === undefined || g === undefined || h.tensor.size !== g.size) return;
        const fit = fitFactor(float64(h.tensor), float64(g));
        const words = fit === null || fit.residual > 1e-6 ? null : localFactorWords(fit.factor, fwd);
        if (words !== null) params[i] = { ...v, diagnosis: `hand formula disagrees with autodiff and finite differences: your ${h.key.startsWith('#') ? `gradient of ${v.name}` : h.key} ${words}` };
      });
    }
    const ok = params.every((v) => v.ok);
    return {
      line: ctx.line, column: ctx.column, ok, params, notChecked: extra,
      firstWrongLine: ok ? null : analysis.firstWrongLine, conventions: analysis.conventions, recognised: analysis.recognised,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    p.restore();
  }
}
