/** The playground's "Your own numpy" mode in Node: the worker's handler run directly on every preset, errors, the tape round trip. */
import { describe, expect, it } from 'vitest';
import { handleCheck, sourceProblem } from '../playground/src/numpy/worker.js';
import { rebuild } from '../playground/src/numpy/tape.js';
import { NUMPY_PRESETS } from '../playground/src/numpy/presets.js';
import { gradientsOf } from '../src/index.js';

/** What each preset as shipped must give: the slip caught at its line, in words; the solution passes. */
const EXPECTED: Record<string, { wrong: string[]; line: string; words: RegExp }> = {
  'np-seed000-chain': { wrong: ['w1'], line: 'dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * dz1_dw1', words: /leaves out σ′\(z1\) = a1\(1 − a1\) = 0\.1966, the derivative of the inner sigmoid/ },
  'np-seed000-mlp': { wrong: ['W2'], line: 'dW2 = (dZ2 @ A1.T)', words: /6× the expected value: a missing 1\/6/ },
  'np-seed001': { wrong: ['W1', 'b1'], line: 'dZ1 = dA1 * (1 - A1)', words: /tanh′\(Z1\) = 1 − A1²/ },
  'np-seed002': { wrong: ['biases[2]'], line: 'db3 = dZ3', words: /never enters the forward pass.*numpy's out argument/ },
  'np-seed003': { wrong: ['w_o'], line: 'd_wo = np.matmul(np.transpose(x_h), 1 - target) / N', words: /elements differ/ },
  'np-seed004': { wrong: ['W2'], line: 'J = J @ a1.T', words: /10× the expected value: a missing 1\/10/ },
};

const lineOf = (source: string, text: string): number => source.split('\n').findIndex((l) => l.trim() === text) + 1;

describe('numpy presets through the worker handler', () => {
  it('ships one preset per seed, each opening with a slip and never with the answer', () => {
    expect(NUMPY_PRESETS.map((p) => p.id)).toEqual(Object.keys(EXPECTED));
    for (const p of NUMPY_PRESETS) {
      expect(p.solution).not.toBeNull();
      expect(p.source).not.toBe(p.solution);
      expect(p.source).toMatch(/tapegrad\.verify\(/);
    }
  });

  for (const preset of NUMPY_PRESETS) {
    it(`${preset.id}: the slip is caught at its line, the solution agrees three ways`, async () => {
      const want = EXPECTED[preset.id]!;
      const reply = await handleCheck({ type: 'check', id: 7, source: preset.source, svg: false });
      expect(reply.id).toBe(7);
      expect(reply.problem).toBeNull();
      expect(reply.status).toBe('wrong');
      const check = reply.checks[0]!;
      expect(check.params.filter((p) => !p.ok).map((p) => p.name)).toEqual(want.wrong);
      const w = check.firstWrongLine!;
      expect(w.text.trim()).toBe(want.line);
      expect(w.line).toBe(lineOf(preset.source, want.line));
      expect(`${w.expected} ${w.why}`).toMatch(want.words);
      for (const row of check.params) {
        expect(row.verdict.startsWith(row.ok ? '✓' : '✗')).toBe(true);
        // autodiff of the user's forward and float64 central differences agree everywhere.
        expect(row.autodiffVsNumerical).toBeLessThan(1e-5);
      }
      expect(check.loss?.finite).toBe(true);
      expect(check.graph?.dot).toMatch(/^digraph/);
      // The student's own names label the picture.
      for (const name of want.wrong) expect(check.graph!.dot).toContain(name);

      const solved = await handleCheck({ type: 'check', id: 8, source: preset.solution!, svg: false });
      expect(solved.status).toBe('ok');
      expect(solved.checks[0]!.params.every((p) => p.ok && p.verdict.startsWith('✓'))).toBe(true);
      expect(solved.checks[0]!.firstWrongLine).toBeNull();
    });
  }

  it('renders the graph to SVG when asked (Graphviz in the worker)', async () => {
    const reply = await handleCheck({ type: 'check', id: 1, source: NUMPY_PRESETS[0]!.source });
    const svg = reply.checks[0]!.graph!.svg!;
    expect(svg).toContain('<svg');
    for (const name of ['w1', 'z1', 'a1', 'z2', 'yhat']) expect(svg).toContain(`>${name}`);
  });

  it('sends a tape the page rebuilds into the same graph, with the same gradients', async () => {
    for (const preset of NUMPY_PRESETS) {
      const reply = await handleCheck({ type: 'check', id: 2, source: preset.source, svg: false });
      const check = reply.checks[0]!;
      const live = rebuild(structuredClone(check.tape!));
      expect(live.loss.item()).toBe(check.loss!.value);
      const grads = gradientsOf(live.loss, Object.values(live.params));
      for (const row of check.params) {
        const leaf = live.params[row.name]!;
        const g = grads.get(leaf);
        const at = row.shown.label === row.name ? 0 : indexOf(row.shown.label, row.shape);
        expect(g === undefined ? 0 : g.storage[at]).toBe(row.shown.autodiff);
      }
      expect([...live.names.values()]).toEqual(expect.arrayContaining(Object.keys(live.params)));
    }
  });
});

function indexOf(label: string, shape: readonly number[]): number {
  const idx = /\[([\d,]+)\]$/.exec(label)![1]!.split(',').map(Number);
  return idx.reduce((flat, i, d) => flat * shape[d]! + i, 0);
}

describe('errors map to line and column', () => {
  const check = (source: string) => handleCheck({ type: 'check', id: 3, source, svg: false });

  it('a syntax error', async () => {
    const reply = await check('import numpy as np\nx = np.array([1, 2]\ny = 3\n');
    expect(reply.status).toBe('error');
    expect(reply.checks).toEqual([]);
    expect(reply.problem).toMatchObject({ kind: 'syntax', type: 'SyntaxError', line: 3 });
    expect(reply.problem!.column).toBeGreaterThan(0);
    expect(reply.problem!.message).not.toMatch(/^your code:/);
  });

  it('an unsupported construct', async () => {
    const reply = await check('import numpy as np\ndef gen():\n    yield 1\n');
    expect(reply.problem).toEqual({ kind: 'unsupported', type: 'NotSupported', line: 3, column: 5, message: '`yield` is not supported' });
  });

  it('a runtime error inside the student\'s function', async () => {
    const reply = await check('import numpy as np\nimport tapegrad\ndef loss(p):\n    return np.sum(p["w"] @ np.ones(3))\ntapegrad.verify({"w": np.ones(2)}, loss, lambda p: {"w": p["w"]})\n');
    expect(reply.problem).toMatchObject({ kind: 'runtime', type: 'ValueError', line: 4 });
    expect(reply.problem!.message).toMatch(/matmul/);
  });

  it('code without tapegrad.verify says what to add', async () => {
    const reply = await check('import numpy as np\nx = np.ones(2)\n');
    expect(reply.problem).toMatchObject({ kind: 'nocheck' });
    expect(reply.problem!.message).toMatch(/never called tapegrad\.verify\(params, loss, grads\)/);
  });

  it('a NaN or ∞ loss is named, with where it first appeared, and nothing is called agreeing', async () => {
    const reply = await check(`import numpy as np
import tapegrad
def loss(p):
    z = p["w"] - 1
    logz = np.log(z)
    return np.sum(logz)
tapegrad.verify({"w": np.array([1.0, 2.0])}, loss, lambda p: {"w": 1 / (p["w"] - 1)})
`);
    const c = reply.checks[0]!;
    expect(c.loss).toEqual({ value: -Infinity, finite: false, word: '−∞', where: 'logz (line 5) is the first value holding −∞' });
    expect(c.params[0]!.verdict).toBe('— not checked: the loss is −∞');
  });

  it('sourceProblem strips the location prefix only when it is there', () => {
    expect(sourceProblem({ line: 2, column: 3, type: 'NameError', message: "f:2:3: NameError: name 'q' is not defined" }, 'f').message).toBe("name 'q' is not defined");
    expect(sourceProblem({ line: 0, column: 0, type: 'InternalError', message: 'boom' }, 'f')).toEqual({ kind: 'internal', line: 0, column: 0, type: 'InternalError', message: 'boom' });
  });
});
