/**
 * Autodiff through the interpreter: numpy code's in-place edits (aliases, slice views, `-=` on
 * index expressions, out=) rebind tensors with differentiable ops, so tapegrad's gradients of a
 * Python-defined loss stay exact (gradcheck in float64), and tracing reports each statement.
 */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../src/check/index.js';
import { tensor } from '../src/creation.js';
import { grad } from '../src/engine/grad.js';
import type { Tensor } from '../src/tensor.js';
import { runNumpy } from '../src/numpy/index.js';
import {
  asTensor, defineModule, fromPy, hostFunction, makeNdArray, toPy, type PyValue, type StatementEvent,
} from '../src/numpy/host.js';

/** Runs `source` with a `probe.check(f, *arrays)` that gradchecks f through the interpreter. */
function gradcheckPython(source: string): boolean[] {
  const results: boolean[] = [];
  const probe = defineModule('probe', {
    check: hostFunction('check', (args, _kw, ctx) => {
      const [fn, ...xs] = args;
      const inputs = xs.map((x) => asTensor(x)!);
      const f = (...ts: Tensor[]): Tensor => asTensor(ctx.call(fn, ts.map((t) => makeNdArray(t))))!;
      const report = gradcheck(f, inputs);
      results.push(report.ok);
      return toPy(report.ok);
    }),
  });
  runNumpy(source, { modules: [probe] });
  return results;
}

/** A `probe.grad(f, x)` module: tapegrad's gradient of a Python f at x. */
function gradModule(): ReturnType<typeof defineModule> {
  return defineModule('probe', {
    grad: hostFunction('grad', ([fn, x], _kw, ctx) => {
      const t = asTensor(x!)!;
      const [g] = grad((v: Tensor) => asTensor(ctx.call(fn!, [makeNdArray(v)]))!)(t);
      return makeNdArray(g!);
    }),
  });
}

describe('gradients flow through numpy in-place semantics', () => {
  it('a cs231n-style loss with dscores = probs; dscores[range(N), y] -= 1; dscores /= N', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
y = np.array([0, 2, 1])
def loss(scores):
    N = scores.shape[0]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    dscores = probs
    dscores[range(N), y] -= 1
    dscores /= N
    return np.sum(dscores * scores) + np.sum(probs ** 2)
probe.check(loss, np.array([[0.1, 0.5, -0.3], [1.2, -0.7, 0.4], [0.0, 0.3, 0.9]]))
`);
    expect(ok).toEqual([true]);
  });

  it('views write through and differentiate: b = a[:, 1:]; b *= 2; a[0] += 1; a[...] -= x', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
def f(a, x):
    a = a * 1.0
    b = a[:, 1:]
    b *= x[0]
    a[0] += x[1]
    a[...] -= np.tanh(x[2])
    v = a.T
    v[1, 0] = x[0] * x[1]
    out = np.zeros((1, 3))
    np.dot(x[None, :], a.T, out)
    return np.sum(a ** 2) + np.sum(out * x)
probe.check(f, np.array([[0.5, -1.0, 2.0], [0.3, 0.7, -0.2], [1.5, 0.1, 0.4]]), np.array([0.9, -0.4, 0.6]))
`);
    expect(ok).toEqual([true]);
  });

  it('boolean and integer-array indexing, reductions, where, maximum and clip are differentiable', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
def f(w):
    h = np.maximum(w, 0.1) + np.clip(w, -0.5, 0.5)
    m = h[h > 0.2]
    s = np.where(w > 0, w, 0.5 * w)
    return np.sum(m ** 2) + np.mean(s[[0, 2, 2]]) + np.std(w) + np.linalg.norm(w) + np.var(w, axis=0).sum()
probe.check(f, np.array([[0.3, -0.7], [1.2, 0.05], [-0.4, 0.9]]))
`);
    expect(ok).toEqual([true]);
  });

  it('trigonometry, %, cumsum, cumprod, prod, sort and np.sort differentiate (gradcheck through the interpreter)', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
def trig(x):
    return np.sum(np.sin(x) * np.cos(2 * x)) + np.sum(np.tan(x / 2)) + np.sum(np.arctan(x) + np.arcsin(x / 3) - np.arccos(x / 4))
def scans(w):
    return np.sum(np.cumsum(w, axis=0) ** 2) + np.sum(np.cumprod(w, axis=1)) + np.cumsum(w).dot(np.arange(6)) + np.prod(w) + np.sum(np.prod(w, axis=0, keepdims=True))
def sorts(w):
    return np.sum(np.sort(w, axis=1) * np.arange(3)) + np.sort(w, axis=None)[-1] + np.sum((w * 3.7) % 1.3) + np.sum(w % np.array([0.7, 0.9, 1.1]))
probe.check(trig, np.array([0.3, -1.1, 0.8, 1.9]))
probe.check(scans, np.array([[0.5, -1.2, 0.8], [1.1, 0.4, -0.6]]))
probe.check(sorts, np.array([[0.35, -1.25, 0.85], [1.15, 0.45, -0.65]]))
`);
    expect(ok).toEqual([true, true, true]);
  });

  it('floor, ceil, round, // and sign give gradient 0, as in PyTorch (the rest of the expression still differentiates)', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
def f(x):
    return np.sum(np.floor(x) * x + np.ceil(2 * x) * x ** 2 + np.round(x, 1) + (x // 0.3) * x + np.sign(x) * x)
probe.check(f, np.array([0.37, -1.13, 0.81, 1.94]))
`);
    expect(ok).toEqual([true]);
    // python3 -c "import torch; x=torch.tensor([0.37,-1.13],requires_grad=True); (torch.floor(x)*x).sum().backward(); print(x.grad)"
    //   tensor([ 0., -2.]): only the floor(x) factor, floor's own derivative is 0
    const r = runNumpy(`
import numpy as np
import probe
x = np.array([0.37, -1.13])
g = probe.grad(lambda v: np.sum(np.floor(v) * v), x)
`, { modules: [gradModule()] });
    expect(asTensor(r.globals.get('g'))!.toArray()).toEqual([0, -2]);
  });

  it('the values match numpy: dscores aliasing changes probs, out= overwrites and never adds', () => {
    // python3 -c "import numpy as np; p=np.array([[.2,.8],[.6,.4]]); d=p; d[range(2),[1,0]]-=1; d/=2; print(p.tolist())"
    //   [[0.1, -0.09999999999999998], [-0.2, 0.2]]
    const r = runNumpy(`
import numpy as np
p = np.array([[.2, .8], [.6, .4]])
d = p
d[range(2), [1, 0]] -= 1
d /= 2
b = [np.ones((1, 2))]
z = np.dot(np.array([[1., 2.]]), np.eye(2), b[0])
`);
    expect(asTensor(r.globals.get('p'))!.toArray()).toEqual([[0.1, -0.09999999999999998], [-0.2, 0.2]]);
    expect(asTensor(r.globals.get('z'))!.toArray()).toEqual([[1, 2]]);
    expect(r.globals.get('z')).toBe((fromPy(r.globals.get('b')) as PyValue[])[0]);
  });
});

describe('tracing reports every statement of the functions called', () => {
  it('names what each line assigned, what it read, and its frame', () => {
    const events: StatementEvent[] = [];
    const probe = defineModule('probe', {
      trace: hostFunction('trace', ([fn, ...args], _kw, ctx) => ctx.trace((e) => events.push(e), () => ctx.call(fn, args))),
    });
    runNumpy(`
import numpy as np
import probe
def helper(v):
    return v * 2
def backward(probs, y, grads):
    N = probs.shape[0]
    dscores = probs
    dscores[range(N), y] -= 1
    grads["W1"] = helper(dscores)
    return grads
probe.trace(backward, np.array([[0.5, 0.5], [0.25, 0.75]]), np.array([1, 0]), {})
`, { modules: [probe] });
    const summary = events.map((e) => [e.line, e.kind, e.frame.functionName, e.frame.depth, e.assigned.map((a) => a.target).join(',')]);
    expect(summary).toEqual([
      [7, 'assign', 'backward', 0, 'N'],
      [8, 'assign', 'backward', 0, 'dscores'],
      [9, 'augassign', 'backward', 0, 'dscores'],
      [5, 'return', 'helper', 1, '<return>'],
      [10, 'assign', 'backward', 0, 'grads["W1"]'],
      [11, 'return', 'backward', 0, '<return>'],
    ]);
    const edit = events[2]!;
    expect(edit.text).toBe('dscores[range(N), y] -= 1');
    expect(asTensor(edit.assigned[0]!.value)!.toArray()).toEqual([[0.5, -0.5], [-0.75, 0.75]]);
    // The read of dscores is its value before the edit.
    expect(asTensor(edit.reads.find((r) => r.name === 'dscores')!.value)!.toArray()).toEqual([[0.5, 0.5], [0.25, 0.75]]);
    expect(events[0]!.frame.callId).toBe(events[5]!.frame.callId);
    expect(events[3]!.frame.callId).not.toBe(events[0]!.frame.callId);
    void tensor;
  });
});

describe('gradients through einsum, pad, meshgrid, bincount weights, tile, repeat, diag, trace, median and percentile', () => {
  it('gradcheck passes for losses built with each of them', () => {
    const ok = gradcheckPython(`
import numpy as np
import probe
B = np.array([[0.3, -1.2], [0.5, 0.7], [2.0, -0.1]])
idx = np.array([0, 2, 2, 1])
def ein(A):
    return np.sum(np.einsum('ij,jk->ik', A, B) ** 2) + np.einsum('ij,ij->', A, A) + np.sum(np.einsum('ij->ji', A) * np.einsum('ij->ji', A) ** 2)
def padded(A):
    return np.sum(np.pad(A, ((1, 0), (2, 1)), constant_values=0.5) ** 3)
def grid(v):
    X, Y = np.meshgrid(v, v[:2] * 2)
    return np.sum(X * Y ** 2)
def counts(w):
    return np.sum(np.bincount(idx, weights=w, minlength=5) ** 2)
A = np.array([[0.1, -0.4, 0.8], [1.1, 0.2, -0.6]])
probe.check(ein, A)
probe.check(padded, A)
probe.check(grid, np.array([0.5, -1.0, 2.0]))
probe.check(counts, np.array([0.3, -0.2, 1.5, 0.7]))
def shaped(A):
    return np.sum(np.tile(A, (2, 1)) ** 2 * np.repeat(A, 2, axis=0)) + np.trace(A @ A.T) + np.sum(np.diag(A[0]) ** 2)
def middle(v):
    return np.median(v) * np.percentile(v, 30) + np.sum(np.median(v.reshape(2, 3), axis=1) ** 2)
probe.check(shaped, A)
probe.check(middle, np.array([0.5, -1.0, 2.0, 0.1, 1.7, -0.4]))
`);
    expect(ok).toEqual([true, true, true, true, true, true]);
  });
});
