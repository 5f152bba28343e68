// Seed 004 by hand with the public API: a 1-6-7-2 sigmoid network, cost ‖a3 − y‖² / N, steepest descent with
// "aggression" 7 and the seed's gradient noise (each step scaled by 1 + N(0, 1)).
// `npx tsx examples/train-curve.ts [iterations]` (default 20 000); `tapegrad train curve` also draws the plots.
import seedrandom from 'seedrandom';
import { MLP, Tensor, curveDataset, noGrad } from 'tapegrad';

const iterations = Number(process.argv[2] ?? 20000);
const { x, y, n } = curveDataset(); // the heart of the seed's training_data(), x as [1, N], y as [2, N]
const input = new Tensor(x, [1, n]);
const target = new Tensor(y, [2, n]);
const net = new MLP({ sizes: [1, 6, 7, 2], activation: 'sigmoid', outputActivation: 'sigmoid', layout: 'col', init: 'randn/2', seed: 1 });
const rng = seedrandom('noise');
const randn = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

for (let it = 0; it <= iterations; it++) {
  const d = net.forward(input).sub(target);
  const cost = d.mul(d).sum().div(n);
  if (it % 5000 === 0) console.log(`iteration ${it}: cost ${cost.item().toExponential(4)}`);
  net.zeroGrad();
  cost.backward();
  noGrad(() => {
    for (const p of net.parameters()) {
      const step = 7 * (1 + randn());
      const w = p.storage;
      const g = p.grad!.storage;
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - step * g[i]!;
      p.markModified(); // tells the tape the values changed in place
    }
  });
}
