/** Graph pictures: labels carry the autodiff numbers, ids are stable, the overlay marks bad nodes, big graphs are capped. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad, randn, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { buildGraph, formatNumber, toDot, toMermaid, toSvg } from '../src/viz/index.js';
import type { ReportLike } from '../src/viz/index.js';
import { verifyGradients } from '../src/check/index.js';
import { chainExample, curveExample, mlpExample } from '../src/viz/examples.js';
import { run as graphCli } from '../src/cli/graph.js';

const W1 = 0.8, W2 = -1.5, X1 = 1.7, Y = 1;

/** Seed 000's scalar chain, intermediates named like the seed. */
function chain(): { J: Tensor; w1: Tensor; w2: Tensor; yhat: Tensor; a1: Tensor } {
  const w1 = tensor(W1, { requiresGrad: true, name: 'w1' });
  const w2 = tensor(W2, { requiresGrad: true, name: 'w2' });
  const x1 = tensor(X1, { name: 'x1' });
  const y = tensor(Y, { name: 'y' });
  const a1 = w1.mul(x1).sigmoid();
  a1.name = 'a1';
  const yhat = w2.mul(a1).sigmoid();
  yhat.name = 'ŷ';
  const J = yhat.sub(y).pow(2).mul(0.5);
  J.name = 'J';
  return { J, w1, w2, yhat, a1 };
}

function nodeLine(dot: string, title: string): string {
  const line = dot.split('\n').find((l) => l.includes(`label="${title}\\n`));
  if (line === undefined) throw new Error(`no node titled ${title} in\n${dot}`);
  return line;
}

describe('toDot on seed 000 chain', () => {
  it('shows every op, the leaves by name, their values and the autodiff gradients', () => {
    const { J } = chain();
    const dot = toDot(J, { digits: 12 });
    for (const op of ['mul', 'sigmoid', 'sub', 'pow']) expect(dot).toContain(op);
    const f = (w1: Tensor, w2: Tensor) => chainLoss(w1, w2);
    const [g1, g2] = grad(f)(tensor(W1), tensor(W2));
    expect(nodeLine(dot, 'w1')).toContain(`value ${formatNumber(W1, 12)}`);
    expect(nodeLine(dot, 'w1')).toContain(`grad ${formatNumber(g1!.item(), 12)}`);
    expect(nodeLine(dot, 'w2')).toContain(`grad ${formatNumber(g2!.item(), 12)}`);
    expect(nodeLine(dot, 'x1')).toContain('value 1.7');
    expect(nodeLine(dot, 'y')).toContain('value 1');
    // Intermediate: dJ/dŷ = ŷ − y, from the closed form.
    const yhat = sigma(W2 * sigma(W1 * X1));
    expect(nodeLine(dot, 'ŷ = sigmoid')).toContain(`grad ${formatNumber(yhat - Y, 12)}`);
    expect(nodeLine(dot, 'ŷ = sigmoid')).toContain(`value ${formatNumber(yhat, 12)}`);
    expect(nodeLine(dot, 'J = mul')).toContain('grad 1');
  });

  it('leaves .grad untouched and keeps the graph usable for backward()', () => {
    const { J, w1 } = chain();
    toDot(J);
    expect(w1.grad).toBeNull();
    J.backward();
    expect(w1.grad!.item()).toBeCloseTo(grad(chainLoss)(tensor(W1), tensor(W2))[0]!.item(), 14);
  });

  it('after backward() frees the graph, shows leaves\' .grad and says why intermediates are missing', () => {
    const { J } = chain();
    J.backward();
    const dot = toDot(J);
    expect(nodeLine(dot, 'w1')).toContain('grad');
    expect(nodeLine(dot, 'a1 = sigmoid')).not.toContain('grad');
    expect(dot).toContain('freed');
  });

  it('is deterministic: the same computation gives the same text', () => {
    expect(toDot(chain().J)).toBe(toDot(chain().J));
    expect(toMermaid(chain().J)).toBe(toMermaid(chain().J));
  });

  it('labels edges with VJP formulas on request', () => {
    const dot = toDot(chain().J, { formulas: true });
    expect(dot).toContain('label="g · y · (1 − y)"');
  });

  it('summarizes big tensors as min/mean/max', () => {
    const W = randn([20, 30], { seed: 1, requiresGrad: true });
    W.name = 'W';
    const dot = toDot(W.tanh().sum());
    expect(nodeLine(dot, 'W')).toMatch(/value min .* · mean .* · max /);
  });
});

describe('toMermaid and toSvg', () => {
  it('mermaid has the nodes and edges', () => {
    const m = toMermaid(chain().J);
    expect(m.startsWith('flowchart LR')).toBe(true);
    expect(m).toContain('w1<br/>value 0.8');
    expect(m).toMatch(/L0 --> N0/);
  });

  it('escapes names that would break DOT or Mermaid syntax', async () => {
    const w = tensor([1, 2], { requiresGrad: true, name: 'w "quoted" <b> \\ back' });
    const y = w.tanh().sum();
    const m = toMermaid(y);
    expect(m).toContain('w #quot;quoted#quot; #lt;b#gt;');
    const svg = await toSvg(y);
    expect(svg).toContain('&quot;quoted&quot;');
  });

  it('the CLI writes Mermaid into Markdown as a fenced block, and DOT to standard output', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'tapegrad-graph-')), 'chain.md');
    const log = console.log;
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    console.log = () => {};
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await graphCli(['chain', '--out', out])).toBe(0);
      expect(await graphCli(['chain', '--format', 'dot'])).toBe(0);
    } finally {
      console.log = log;
      process.stdout.write = write;
    }
    expect(readFileSync(out, 'utf8').startsWith('```mermaid\nflowchart LR')).toBe(true);
    expect(printed).toContain('digraph tapegrad');
  });

  it('renders SVG in-process with the labels', async () => {
    const svg = await toSvg(chain().J);
    expect(svg).toContain('<svg');
    for (const text of ['w1', 'w2', 'x1', 'sigmoid', 'grad']) expect(svg).toContain(text);
  });
});

describe('overlay from a report', () => {
  const report: ReportLike = {
    ok: false,
    params: [
      { name: 'w1', ok: false, worst: { index: [], manual: 0.35, autodiff: 0.0568, numerical: 0.0568 }, diagnosis: 'missing factor' },
      { name: 'w2', ok: true },
    ],
  };

  it('marks the failing node red with a note, and the passing one green', () => {
    const dot = toDot(chain().J, { highlight: report });
    expect(nodeLine(dot, 'w1')).toContain('color="#dc2626"');
    expect(nodeLine(dot, 'w1')).toContain('✗ gradient disagrees');
    expect(nodeLine(dot, 'w1')).toContain('hand 0.35');
    expect(nodeLine(dot, 'w1')).toContain('missing factor');
    expect(nodeLine(dot, 'w2')).toContain('color="#16a34a"');
    expect(nodeLine(dot, 'a1 = sigmoid')).not.toContain(' color=');
    expect(toMermaid(chain().J, { highlight: report })).toMatch(/class L0 bad/);
  });

  it('reads gradcheck-shaped reports (inputs) and notes names it cannot find', () => {
    const g = buildGraph(chain().J, { highlight: { inputs: [{ name: 'nope', ok: false }, { name: 'w2', ok: false }] } });
    expect(g.nodes.find((n) => n.title === 'w2')!.status).toBe('bad');
    expect(g.notes.join('\n')).toContain("'nope'");
  });

  it('marks the planted slip of a real verifyGradients run (seed 000 chain, dJ/dw1 without σ\'(z1))', () => {
    const ex = chainExample(true);
    const verified = verifyGradients({ params: ex.params, loss: ex.loss, manual: ex.manual });
    expect(verified.ok).toBe(false);
    const g = buildGraph(ex.loss(ex.params), { highlight: verified });
    expect(g.nodes.find((n) => n.title === 'w1')!.status).toBe('bad');
    expect(g.nodes.find((n) => n.title === 'w2')!.status).toBe('ok');
  });
});

describe('seed models and the graph CLI', () => {
  it('the correct hand formulas of every example pass verifyGradients; the planted slip fails on one parameter', () => {
    for (const make of [chainExample, curveExample, mlpExample]) {
      const good = make(false);
      expect(verifyGradients({ params: good.params, loss: good.loss, manual: good.manual }).ok).toBe(true);
      const bad = make(true);
      const report = verifyGradients({ params: bad.params, loss: bad.loss, manual: bad.manual });
      expect(report.params.filter((p) => !p.ok).map((p) => p.name)).toHaveLength(1);
    }
  });

  it('writes an SVG of the curve network with the planted slip marked', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'tapegrad-graph-')), 'curve.svg');
    const log = console.log;
    console.log = () => {};
    try {
      expect(await graphCli(['curve', '--out', out, '--highlight-bug'])).toBe(0);
    } finally {
      console.log = log;
    }
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('#dc2626');
    expect(svg).toContain('W2');
    expect(svg).toContain('gradient disagrees');
    expect(await graphCli(['nope'])).toBe(2);
  });
});

describe('large graphs', () => {
  it('collapses a 100-step unrolled chain into one ×100 box and says so', () => {
    let h = tensor([0.1, 0.2], { requiresGrad: true, name: 'h0' });
    for (let i = 0; i < 100; i++) h = h.mul(0.9).tanh();
    const g = buildGraph(h.sum());
    expect(g.nodes.length).toBeLessThanOrEqual(60);
    expect(g.nodes.some((n) => n.title === 'mul → tanh ×100')).toBe(true);
    expect(g.nodes.some((n) => n.title === 'h0')).toBe(true);
    expect(g.notes.join('\n')).toMatch(/collapsed 200 ops/);
    expect(toDot(h.sum())).toContain('collapsed 200 ops');
  });

  it('stays fast on a 10 000-op chain (gradients of every node included)', () => {
    let h = tensor([0.1, 0.2], { requiresGrad: true, name: 'h0' });
    for (let i = 0; i < 5000; i++) h = h.mul(0.9).tanh();
    const start = performance.now();
    const g = buildGraph(h.sum());
    expect(performance.now() - start).toBeLessThan(5000);
    expect(g.nodes.find((n) => n.title === 'h0')!.lines.some((l) => l.startsWith('grad'))).toBe(true);
  });

  it('caps node count for graphs without repeats and draws the hidden part as one box', () => {
    let h = tensor(0.3, { requiresGrad: true, name: 'x' });
    const ops = ['tanh', 'sigmoid', 'exp', 'neg'] as const;
    for (let i = 0; i < 30; i++) h = h[ops[(i * 7 + (i >> 2)) % 4]!]().add(tensor(i / 10, { requiresGrad: true }));
    const g = buildGraph(h, { maxNodes: 12 });
    expect(g.nodes.length).toBeLessThanOrEqual(12);
    expect(g.nodes.some((n) => n.kind === 'hidden')).toBe(true);
    expect(g.notes.join('\n')).toContain('capped at 12 nodes');
  });

  it('property: any random chain respects maxNodes, and every edge joins drawn nodes', () => {
    const opNames = ['tanh', 'sigmoid', 'mulc', 'addc', 'addw'] as const;
    fc.assert(fc.property(
      fc.array(fc.constantFrom(...opNames), { minLength: 1, maxLength: 120 }), fc.integer({ min: 4, max: 40 }),
      (seq, maxNodes) => {
        let h = tensor([0.5, -0.25], { requiresGrad: true, name: 'x' });
        const w = tensor(0.7, { requiresGrad: true, name: 'w' });
        for (const op of seq) {
          h = op === 'tanh' ? h.tanh() : op === 'sigmoid' ? h.sigmoid() : op === 'mulc' ? h.mul(0.9) : op === 'addc' ? h.add(0.1) : h.add(w);
        }
        const root = h.sum();
        const g = buildGraph(root, { maxNodes, grads: false });
        const ids = new Set(g.nodes.map((n) => n.id));
        expect(g.nodes.length).toBeLessThanOrEqual(maxNodes);
        expect(ids.size).toBe(g.nodes.length);
        for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
        expect(g.nodes.some((n) => n.tensor === root)).toBe(true);
      },
    ), { numRuns: 60 });
  });
});

function sigma(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function chainLoss(w1: Tensor, w2: Tensor): Tensor {
  return w2.mul(w1.mul(X1).sigmoid()).sigmoid().sub(Y).pow(2).mul(0.5);
}
