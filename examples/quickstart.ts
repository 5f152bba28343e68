import { tensor, randn, zeros, matmul, tanh, softmaxCrossEntropy } from 'tapegrad';

// A tiny 3-4-2 MLP on a batch of two samples.
const X = tensor([[0.5, -1.2, 0.3], [1.0, 0.4, -0.7]]);
const labels = [1, 0];
const W1 = randn([3, 4], { seed: 1, std: 0.5, requiresGrad: true, name: 'W1' });
const b1 = zeros([4], { requiresGrad: true, name: 'b1' });
const W2 = randn([4, 2], { seed: 2, std: 0.5, requiresGrad: true, name: 'W2' });
const b2 = zeros([2], { requiresGrad: true, name: 'b2' });

const hidden = tanh(matmul(X, W1).add(b1));
const loss = softmaxCrossEntropy(matmul(hidden, W2).add(b2), labels);
loss.backward();

console.log('loss', loss.item());
for (const p of [W1, b1, W2, b2]) console.log(p.name, JSON.stringify(p.grad!.toArray()));
