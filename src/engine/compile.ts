/**
 * `compile(step)`: trace-and-replay for fixed-shape training steps. The first call runs the step
 * eagerly and records, in order, every op's forward, every VJP the backward walk calls and every
 * side effect (optimizer updates, `.grad` set or cleared); later calls replay that list on the new
 * arguments, running the same kernels over buffers allocated once, with no tape, no checks and
 * no garbage, and give the same numbers bit for bit.
 */
import type { DType, FloatArray } from '../dtype.js';
import { newBuffer } from '../dtype.js';
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';
import { forwardMode } from './forward.js';
import { gradMode } from './mode.js';
import type { TapeNode } from './node.js';
import type { OpDef, VjpContext } from './op.js';
import { traceHooks } from './trace-hooks.js';
import type { TraceRecorder } from './trace-hooks.js';

/**
 * One buffer an op or VJP asked for while traced; `fresh` ones are new on every replay (they
 * escape), `zero` ones are cleared before reuse (the op that asked may rely on allocate's zeros).
 */
interface Alloc {
  readonly dtype: DType;
  readonly size: number;
  readonly buffer: FloatArray;
  readonly zero: boolean;
  fresh: boolean;
}

/**
 * Ops whose forward writes every element of every buffer it allocates (each kernel assigns, none
 * accumulates into allocate's zeros): their reused buffers need no clearing, which matters for a
 * large weight gradient (clearing 784×128 floats costs as much as a small product). Any other
 * allocation, and one made outside an op, is cleared.
 */
const OVERWRITES = new Set([
  'matmul', 'batchMatmul', 'linear', 'add', 'sub', 'mul', 'div', 'pow', 'neg', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sigmoid',
  'relu', 'tanhBackward', 'sigmoidBackward', 'reluBackward', 'sum', 'softmax', 'logSoftmax', 'softmaxCrossEntropy',
  'softmaxCrossEntropyRows', 'broadcastTo', 'transpose',
]);

interface OpEvent {
  readonly kind: 'op';
  readonly def: OpDef<any>;
  readonly attrs: unknown;
  readonly inputs: readonly number[];
  /** The replay's input tensors (reused array, rewritten each replay). */
  readonly ins: Tensor[];
  readonly out: number;
  readonly allocs: readonly Alloc[];
  /** What the forward saved for its VJP in the latest replay. */
  saved: unknown;
}

/**
 * VJPs whose code, given the shapes, dtypes, attributes and needsGrad of a replay (all fixed), always
 * applies the same ops to the same operands: a replay may run the ops they applied while traced without
 * running their code again. Each was read for that (no branch on values, no index lists or `saved` read);
 * not `pow`, whose VJP branches on the exponent's value. NOTE: whoever changes one of these VJPs must
 * keep that true. As a second guard, a VJP whose code makes any buffer outside an op (a literal scalar,
 * a fused loop of its own) is never flattened: that work happens in its code, which only it can redo.
 */
const FLAT_VJPS = new Set([
  'linear', 'matmul', 'add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'tanh', 'sigmoid', 'relu',
  'tanhBackward', 'sigmoidBackward', 'reluBackward', 'sum', 'broadcastTo', 'reshape', 'transpose',
]);

/**
 * One op a flattened VJP applied: its operands and result are positions in {@link FlatVjp.locals};
 * its buffers are `allocs[allocFrom, allocTo)` of the VJP event.
 */
interface FlatOp {
  readonly def: OpDef<any>;
  readonly attrs: unknown;
  readonly inputs: readonly number[];
  readonly ins: Tensor[];
  readonly out: number;
  readonly allocFrom: number;
  readonly allocTo: number;
}

/**
 * A VJP replayed as the ops it applied. `locals`: the gradient g, the op's inputs, its output, then
 * each op's result; `results`: the local of each input's gradient (−1: none).
 */
interface FlatVjp {
  readonly ops: readonly FlatOp[];
  readonly locals: Tensor[];
  readonly results: readonly number[];
}

interface VjpEvent {
  readonly kind: 'vjp';
  readonly forward: OpEvent;
  readonly g: number;
  readonly needsGrad: readonly boolean[];
  /** One slot per input of the op (−1: no gradient). */
  readonly outs: readonly number[];
  readonly allocs: readonly Alloc[];
  /** The VJP as a list of ops, when its op is one of {@link FLAT_VJPS} and the trace could be resolved. */
  readonly flat: FlatVjp | null;
}

interface EffectEvent {
  readonly kind: 'effect';
  readonly run: (deps: readonly Tensor[]) => void;
  readonly deps: readonly number[];
  readonly scratch: Tensor[];
}

type Event = OpEvent | VjpEvent | EffectEvent;

/** What {@link CompiledStep.info} reports. */
export interface CompiledInfo {
  /** False until the first call has traced the step. */
  traced: boolean;
  /** Forward ops, VJP calls and side effects recorded. */
  ops: number;
  vjps: number;
  /** VJPs a replay runs as the ops they applied while traced, without running their code. */
  flatVjps: number;
  effects: number;
  /** Buffers reused by every replay, and their total size in bytes. */
  pooledBuffers: number;
  pooledBytes: number;
  /** Buffers allocated anew on each replay because they leave the step (a returned tensor, a `.grad` kept). */
  freshBuffers: number;
  /** Replays run so far. */
  replays: number;
}

/** A compiled step: call it like the step; {@link CompiledStep.info} says what was recorded. */
export interface CompiledStep<A extends Tensor[], R> {
  (...args: A): R;
  /** What the trace holds (ops, VJPs, effects, pooled and fresh buffers) and how often it was replayed. */
  info(): CompiledInfo;
}

/** What a step may return: nothing, a tensor, or a list of tensors. */
export type StepResult = Tensor | readonly Tensor[] | void | undefined;

const CALLER = 'compile';

function bytesOf(a: Alloc): number {
  return a.size * (a.dtype === 'float32' ? 4 : 8);
}

/** The recording side: slots for every tensor the step touches, and the event list. */
class Recorder implements TraceRecorder {
  readonly events: Event[] = [];
  /** Slot of each tensor seen; constants (parameters, numbers made tensors) keep their own object. */
  readonly slotOf = new Map<Tensor, number>();
  readonly values: Tensor[] = [];
  /** The op event that produced each recorded output (the VJP of its node replays against it). */
  readonly producer = new Map<Tensor, OpEvent>();
  /** Leaves whose .grad an effect set or cleared. */
  readonly leaves = new Set<Tensor>();

  constructor(args: readonly Tensor[]) {
    args.forEach((a) => this.define(a));
  }

  /** A new slot holding `t` (an earlier slot of the same tensor keeps resolving references to it). */
  define(t: Tensor): number {
    const slot = this.values.length;
    this.values.push(t);
    if (!this.slotOf.has(t)) this.slotOf.set(t, slot);
    return slot;
  }

  /** The slot of a tensor an event reads: its own, or a new constant slot (a parameter, a constant). */
  slot(t: Tensor): number {
    return this.slotOf.get(t) ?? this.define(t);
  }

  /** The op whose forward is running (null: a VJP's own code, outside any op). */
  private running: OpDef<any> | null = null;
  /** While a VJP of {@link FLAT_VJPS} is traced: the ops its own code applies, and the buffers it made outside them. */
  private flat: { ops: { def: OpDef<any>; attrs: unknown; inputs: Tensor[]; output: Tensor; allocFrom: number; allocTo: number }[]; outside: Set<FloatArray> } | null = null;
  /** How many ops deep below the traced VJP's own code the code runs now. */
  private level = 0;
  private allocs: Alloc[] = [];

  /** Runs `run` one level down, with every buffer it allocates noted in `allocs`. */
  private below<T>(allocs: Alloc[], def: OpDef<any> | null, run: () => T): T {
    const before = traceHooks.alloc;
    this.allocs = allocs;
    traceHooks.alloc = (dtype, size) => {
      const buffer = newBuffer(dtype, size);
      allocs.push({ dtype, size, buffer, zero: this.running === null || !OVERWRITES.has(this.running.name), fresh: false });
      if (this.level === 0) this.flat?.outside.add(buffer);
      return buffer;
    };
    traceHooks.depth++;
    this.running = def;
    try {
      return run();
    } finally {
      this.running = null;
      traceHooks.depth--;
      traceHooks.alloc = before;
    }
  }

  nested(def: OpDef<any>, inputs: readonly Tensor[], attrs: unknown, run: () => Tensor): Tensor {
    const outer = this.running;
    this.running = def;
    const direct = this.flat !== null && this.level === 0;
    const allocFrom = this.allocs.length;
    this.level++;
    try {
      const output = run();
      if (direct) this.flat!.ops.push({ def, attrs, inputs: inputs.slice(), output, allocFrom, allocTo: this.allocs.length });
      return output;
    } finally {
      this.level--;
      this.running = outer;
    }
  }

  op(def: OpDef<any>, inputs: readonly Tensor[], attrs: unknown, run: () => Tensor): Tensor {
    if (forwardMode.depth !== 0) this.refuse('runs forward mode (jvp)');
    const slots = inputs.map((t) => this.slot(t));
    const allocs: Alloc[] = [];
    const output = this.below(allocs, def, run);
    const event: OpEvent = { kind: 'op', def, attrs, inputs: slots, ins: new Array<Tensor>(slots.length), out: this.define(output), allocs, saved: undefined };
    this.producer.set(output, event);
    this.events.push(event);
    return output;
  }

  vjp(node: TapeNode, g: Tensor, needsGrad: readonly boolean[], run: () => readonly (Tensor | null)[]): readonly (Tensor | null)[] {
    const forward = this.producer.get(node.output);
    if (forward === undefined) this.refuse(`goes backward through op '${node.op}', recorded before the step began`);
    const gSlot = this.slot(g);
    const allocs: Alloc[] = [];
    const flat = FLAT_VJPS.has(node.def.name) ? { ops: [], outside: new Set<FloatArray>() } : null;
    this.flat = flat;
    let result: readonly (Tensor | null)[];
    try {
      result = this.below(allocs, null, run);
    } finally {
      this.flat = null;
    }
    const outs = Array.isArray(result) ? result.map((r) => (r instanceof Tensor ? this.define(r) : -1)) : [];
    const flatVjp = flat === null || !Array.isArray(result) ? null : flatten(flat, g, node.inputs, node.output, result);
    this.events.push({ kind: 'vjp', forward, g: gSlot, needsGrad: needsGrad.slice(), outs, allocs, flat: flatVjp });
    return result;
  }

  effect(run: (deps: readonly Tensor[]) => void, deps: readonly Tensor[], leaf?: Tensor): void {
    const slots = deps.map((t) => this.slot(t));
    if (leaf !== undefined) this.leaves.add(leaf);
    traceHooks.depth++;
    try {
      run(deps);
    } finally {
      traceHooks.depth--;
    }
    this.events.push({ kind: 'effect', run, deps: slots, scratch: new Array<Tensor>(slots.length) });
  }

  refuse(what: string): never {
    throw new Error(
      `${CALLER}: the step ${what} while it was traced; a replay repeats only ops, backward passes and ` +
        'optimizer updates on the compiled function\'s tensor arguments, so it cannot follow this. Pass varying data as ' +
        'arguments, return tensors instead of reading them, and keep data-dependent branches outside the step',
    );
  }
}

/**
 * Resolves the ops a VJP applied into positions of its locals, or null when the VJP's code did work of
 * its own (a buffer made outside its ops) or something does not resolve (an operand or result that is
 * neither g, an input, the output nor an earlier op's result): that VJP then replays by running its code.
 */
function flatten(
  flat: { ops: readonly { def: OpDef<any>; attrs: unknown; inputs: readonly Tensor[]; output: Tensor; allocFrom: number; allocTo: number }[]; outside: ReadonlySet<FloatArray> },
  g: Tensor, inputs: readonly Tensor[], output: Tensor, result: readonly (Tensor | null)[],
): FlatVjp | null {
  if (flat.outside.size > 0) return null;
  const locals: Tensor[] = [g, ...inputs, output];
  const local = new Map<Tensor, number>();
  // Earlier positions win for g / inputs / output (replays fill those positions each time).
  for (let i = locals.length - 1; i >= 0; i--) local.set(locals[i]!, i);
  const ops: FlatOp[] = [];
  for (const op of flat.ops) {
    const refs = op.inputs.map((t) => local.get(t) ?? -1);
    if (refs.includes(-1)) return null;
    locals.push(op.output);
    local.set(op.output, locals.length - 1);
    ops.push({ def: op.def, attrs: op.attrs, inputs: refs, ins: new Array<Tensor>(refs.length), out: locals.length - 1, allocFrom: op.allocFrom, allocTo: op.allocTo });
  }
  const results = result.map((r) => (r instanceof Tensor ? local.get(r) ?? -2 : -1));
  if (results.includes(-2)) return null;
  return { ops, locals, results };
}

function checkArgs(args: readonly unknown[], traced: readonly Tensor[] | null): void {
  args.forEach((a, i) => {
    if (!(a instanceof Tensor)) throw new Error(`${CALLER}: argument ${i} must be a Tensor, got ${show(a)} (wrap data with tensor())`);
    if (a.requiresGrad) {
      throw new Error(`${CALLER}: argument ${i} requires grad; pass data as arguments and reach parameters through the step's closure`);
    }
  });
  if (traced === null) return;
  if (args.length !== traced.length) {
    throw new Error(`${CALLER}: the step was traced with ${traced.length} arguments, got ${args.length}`);
  }
  args.forEach((a, i) => {
    const t = a as Tensor;
    const want = traced[i]!;
    if (!sameShape(t.shape, want.shape) || t.dtype !== want.dtype) {
      throw new Error(
        `${CALLER}: argument ${i} has shape ${formatShape(t.shape)} ${t.dtype}, but the step was traced with ` +
          `${formatShape(want.shape)} ${want.dtype}; a compiled step replays fixed shapes: compile it again for the new shape`,
      );
    }
  });
}

function resultTensors(result: unknown): Tensor[] {
  if (result === undefined) return [];
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result) && result.every((t) => t instanceof Tensor)) return result as Tensor[];
  throw new Error(`${CALLER}: the step must return nothing, a Tensor or an array of Tensors, got ${show(result)}`);
}

/** Values only, cut from the tape (the step's own backward has already run). */
function valueOf(t: Tensor): Tensor {
  return new Tensor(t.storage, t.shape);
}

/**
 * Compiles a fixed-shape training step: the first call runs `step` as usual and records what it
 * did; every later call replays that record on the new arguments over buffers allocated once,
 * with the same numbers as running `step` again (bit for bit). Data that changes from call to
 * call must come in as tensor arguments (same shapes and dtypes every call); parameters and
 * optimizers are reached through the closure, as usual. The step may return nothing, a tensor
 * or an array of tensors (returned as values, cut from the tape). Things a replay cannot repeat
 * are refused with an error while tracing: reading values (`item()`, `toArray()`, `data()`: a
 * branch on them would be frozen), `tensor()` from a typed array and `randn`/`rand` inside the
 * step, forward mode, `createGraph`. NOTE: plain JavaScript inside the step runs only once;
 * numbers it computes (a learning-rate schedule, a counter) are frozen into the trace.
 * @example
 * const w = tensor([0.5, -0.3], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * const step = compile((x: Tensor, y: Tensor) => {
 *   const loss = mean(square(sub(sum(mul(x, w), 1), y)));
 *   loss.backward();
 *   opt.step();
 *   opt.zeroGrad();
 *   return loss;
 * });
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor([1, 0]);
 * step(x, y);                 // traces: runs the step eagerly
 * const loss = step(x, y);    // replays: the same ops on preallocated buffers
 * loss.shape;                 // []
 * step.info().replays;        // 1
 */
export function compile<A extends Tensor[], R extends StepResult>(step: (...args: A) => R): CompiledStep<A, R> {
  if (typeof step !== 'function') throw new Error(`${CALLER}: expected the step function to compile, got ${show(step)}`);
  let traced: Tensor[] | null = null;
  let events: Event[] = [];
  let values: Tensor[] = [];
  let returned: number[] = [];
  let returnsArray = false;
  let replays = 0;

  // The allocator of a replay: hands out the event's buffers in the order the trace asked for them.
  let allocs: readonly Alloc[] = [];
  let next = 0;
  let current = '';
  const diverged = (why: string): never => {
    throw new Error(`${CALLER}: the replay of '${current}' ${why} than when traced: its code took another path (a data-dependent branch inside the op); compile the step again`);
  };
  const serve = (dtype: DType, size: number): FloatArray => {
    const a = allocs[next++];
    if (a === undefined) return diverged('asked for more buffers');
    if (a.dtype !== dtype || a.size !== size) return diverged(`asked for a ${dtype}[${size}] buffer where the trace had ${a.dtype}[${a.size}]`);
    if (a.fresh) return newBuffer(dtype, size);
    if (a.zero) a.buffer.fill(0); // allocate() promises zeros
    return a.buffer;
  };

  const trace = (args: A): R => {
    const recorder = new Recorder(args);
    traceHooks.recorder = recorder;
    let result: R;
    try {
      result = step(...args);
    } finally {
      traceHooks.recorder = null;
    }
    const outs = resultTensors(result);
    // Escape analysis: buffers the caller can still see after the step are fresh on every replay
    // (a returned tensor, a .grad left set); every other one is reused.
    const escaping = new Set<FloatArray>(outs.map((t) => t.storage));
    for (const leaf of recorder.leaves) if (leaf.grad !== null) escaping.add(leaf.grad.storage);
    for (const e of recorder.events) {
      if (e.kind !== 'effect') for (const a of e.allocs) a.fresh = escaping.has(a.buffer);
    }
    events = recorder.events;
    values = recorder.values;
    returned = outs.map((t) => recorder.slot(t));
    returnsArray = Array.isArray(result);
    traced = args.slice();
    return (returnsArray ? outs.map(valueOf) : outs.length === 1 ? valueOf(outs[0]!) : undefined) as R;
  };

  const replay = (args: A): R => {
    for (let i = 0; i < args.length; i++) values[i] = args[i]!;
    const mode = gradMode.enabled;
    gradMode.enabled = false;
    try {
      for (let k = 0; k < events.length; k++) {
        const e = events[k]!;
        if (e.kind === 'op') {
          for (let i = 0; i < e.inputs.length; i++) e.ins[i] = values[e.inputs[i]!]!;
          allocs = e.allocs;
          next = 0;
          current = e.def.name;
          traceHooks.alloc = serve;
          const r = e.def.forward(e.ins, e.attrs);
          traceHooks.alloc = null;
          if (next !== allocs.length) diverged('asked for fewer buffers');
          if (r instanceof Tensor) {
            values[e.out] = r;
            e.saved = undefined;
          } else {
            values[e.out] = r.output;
            e.saved = r.saved;
          }
        } else if (e.kind === 'vjp' && e.flat !== null) {
          // The VJP's ops straight onto their kernels: no VJP code, no applyOp, no wrapper checks.
          const f = e.forward;
          const { ops, locals, results } = e.flat;
          const n = f.ins.length;
          locals[0] = values[e.g]!;
          for (let i = 0; i < n; i++) locals[1 + i] = f.ins[i]!;
          locals[n + 1] = values[f.out]!;
          allocs = e.allocs;
          traceHooks.alloc = serve;
          for (let j = 0; j < ops.length; j++) {
            const op = ops[j]!;
            for (let i = 0; i < op.inputs.length; i++) op.ins[i] = locals[op.inputs[i]!]!;
            next = op.allocFrom;
            current = `${op.def.name} (in the backward of ${f.def.name})`;
            const r = op.def.forward(op.ins, op.attrs);
            if (next !== op.allocTo) diverged(next < op.allocTo ? 'asked for fewer buffers' : 'asked for more buffers');
            locals[op.out] = r instanceof Tensor ? r : r.output;
          }
          traceHooks.alloc = null;
          for (let i = 0; i < e.outs.length; i++) if (e.outs[i]! >= 0) values[e.outs[i]!] = locals[results[i]!]!;
        } else if (e.kind === 'vjp') {
          const f = e.forward;
          const ctx: VjpContext = { inputs: f.ins, output: values[f.out]!, attrs: f.attrs, saved: f.saved, needsGrad: e.needsGrad, createGraph: false };
          allocs = e.allocs;
          next = 0;
          current = `${f.def.name} (backward)`;
          traceHooks.alloc = serve;
          const r = f.def.vjp(ctx, values[e.g]!);
          traceHooks.alloc = null;
          if (next !== allocs.length) diverged('asked for fewer buffers');
          for (let i = 0; i < e.outs.length; i++) if (e.outs[i]! >= 0) values[e.outs[i]!] = r[i]!;
        } else {
          for (let i = 0; i < e.deps.length; i++) e.scratch[i] = values[e.deps[i]!]!;
          e.run(e.scratch);
        }
      }
    } finally {
      traceHooks.alloc = null;
      gradMode.enabled = mode;
    }
    replays++;
    if (returnsArray) return returned.map((s) => valueOf(values[s]!)) as unknown as R;
    return (returned.length === 1 ? valueOf(values[returned[0]!]!) : undefined) as R;
  };

  const compiled = ((...args: A): R => {
    if (traceHooks.recorder !== null || traceHooks.alloc !== null) {
      throw new Error(`${CALLER}: a compiled step cannot run while another step is being traced or replayed`);
    }
    checkArgs(args, traced);
    return traced === null ? trace(args) : replay(args);
  }) as CompiledStep<A, R>;
  compiled.info = (): CompiledInfo => {
    const all = events.flatMap((e) => (e.kind === 'effect' ? [] : e.allocs));
    const pooled = all.filter((a) => !a.fresh);
    return {
      traced: traced !== null,
      ops: events.filter((e) => e.kind === 'op').length,
      vjps: events.filter((e) => e.kind === 'vjp').length,
      flatVjps: events.filter((e) => e.kind === 'vjp' && e.flat !== null).length,
      effects: events.filter((e) => e.kind === 'effect').length,
      pooledBuffers: pooled.length,
      pooledBytes: pooled.reduce((s, a) => s + bytesOf(a), 0),
      freshBuffers: all.length - pooled.length,
      replays,
    };
  };
  return compiled;
}
