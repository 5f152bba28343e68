/**
 * Trains seed 004's 1-6-7-2 curve network in a Web Worker, twice: through the playground's own code
 * (its seed004 preset, parsed and evaluated by playground/src/program.ts, stepped by its
 * steepestDescent, as the page trains it) and written directly in tapegrad ops; reports iterations/s
 * of each and the kernels in use.
 */
import { Tensor, curveDataset, kernelInfo, matmul, ones, randn, sigmoid, valueAndGrad, tensor } from '../../src/index.js';
import { PRESETS } from '../../playground/src/presets.js';
import { lossFunction, paramsOf, parseValues } from '../../playground/src/program.js';
import { steepestDescent } from '../../playground/src/train.js';

export interface Measured { iterationsPerSecond: number; iterations: number; firstCost: number; lastCost: number }
export interface WorkerReport {
  backend: string;
  summary: string;
  /** A 64×128·128×64 product of ones came out all 128 (shared between threads where there are any). */
  large: boolean;
  chain: { kernels: string; used: boolean; detail: string }[];
  playground: Measured;
  direct: { float64: Measured; float32: Measured };
}

/** Runs `advance` in slices until `iterations` ran (after a warm-up of a tenth of them). */
function measure(advance: (n: number) => number[], iterations: number): Measured {
  advance(Math.max(20, iterations / 10));
  const t0 = performance.now();
  const costs: number[] = [];
  while (costs.length < iterations) costs.push(...advance(Math.min(500, iterations - costs.length)));
  const seconds = (performance.now() - t0) / 1000;
  return { iterationsPerSecond: iterations / seconds, iterations, firstCost: costs[0]!, lastCost: costs[costs.length - 1]! };
}

/** The playground's seed 004 training: its preset's values and expression, its steepest descent. */
function playground(iterations: number): Measured {
  const preset = PRESETS.find((p) => p.id === 'seed004')!;
  const values = parseValues(preset.values);
  const descent = steepestDescent(lossFunction(preset.expression, values), paramsOf(values), preset.rate);
  return measure((n) => descent.advance(1e9, n), iterations);
}

/** The same network in tapegrad ops (x [1,N], W1 [6,1] … as the preset lays it out), one dtype. */
function direct(iterations: number, dtype: 'float64' | 'float32'): Measured {
  const n = 100;
  const data = curveDataset({ n });
  const x = tensor(data.x, { shape: [1, n], dtype });
  const y = tensor(data.y, { shape: [2, n], dtype });
  const shapes: [number, number][] = [[6, 1], [6, 1], [7, 6], [7, 1], [2, 7], [2, 1]];
  const params = shapes.map((s, i) => randn(s, { seed: i + 1, dtype }).mul(0.5).detach());
  const cost = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor, W3: Tensor, b3: Tensor): Tensor => {
    const a1 = sigmoid(W1.matmul(x).add(b1));
    const a2 = sigmoid(W2.matmul(a1).add(b2));
    const a3 = sigmoid(W3.matmul(a2).add(b3));
    return a3.sub(y).pow(2).sum().div(n);
  };
  const f = valueAndGrad(cost, [0, 1, 2, 3, 4, 5]);
  const advance = (count: number): number[] => {
    const costs: number[] = [];
    for (let it = 0; it < count; it++) {
      const { value, grads } = f(...(params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]));
      costs.push(value.item());
      params.forEach((p, i) => {
        const g = grads[i]!.storage;
        const s = p.storage;
        for (let k = 0; k < s.length; k++) s[k] = s[k]! - 7 * g[k]!;
        p.markModified();
      });
    }
    return costs;
  };
  return measure(advance, iterations);
}

self.onmessage = (event: MessageEvent<{ iterations: number }>) => {
  const { iterations } = event.data;
  const info = kernelInfo();
  const report: WorkerReport = {
    backend: info.backend, summary: info.summary, chain: info.chain,
    large: matmul(ones([64, 128]), ones([128, 64])).storage.every((v) => v === 128),
    playground: playground(iterations),
    direct: { float64: direct(iterations, 'float64'), float32: direct(iterations, 'float32') },
  };
  self.postMessage(report);
};
