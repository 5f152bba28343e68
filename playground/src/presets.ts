/** The problems the page offers ready-made: the seed labs written in the playground's language. */

/** One ready-made problem: the three boxes of the page, plus what to plot while training. */
export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly values: string;
  readonly expression: string;
  readonly hand: string;
  /** Names of the prediction [2,N] and target [2,N] for the curve plot, when the problem draws a curve. */
  readonly curve?: { readonly prediction: string; readonly target: string };
  /** Steepest-descent step size ("aggression" in seed 004). */
  readonly rate: number;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'seed000',
    title: 'Seed 000: the scalar chain J = ½(σ(w2·σ(w1·x1)) − y)²',
    values: 'w1 = 0.5\nw2 = -1.2\ndata x1 = 2\ndata y = 1',
    expression: 'z1 = w1*x1\na1 = sigmoid(z1)\nz2 = w2*a1\nyhat = sigmoid(z2)\nJ = 0.5*(yhat - y)^2',
    hand: '# the seed\'s product of five factors\ndw1 = (yhat - y) * yhat*(1 - yhat) * w2 * a1*(1 - a1) * x1\ndw2 = (yhat - y) * yhat*(1 - yhat) * a1',
    rate: 1,
  },
  {
    id: 'seed004',
    title: 'Seed 004: the 1-6-7-2 curve network (train it)',
    values: [
      'data x = curveX(100)   # t along the curve, [1,100]',
      'data y = curveY(100)   # the heart, [2,100]',
      'W1 = randn(6, 1, 1) * 0.5',
      'b1 = randn(6, 1, 2) * 0.5',
      'W2 = randn(7, 6, 3) * 0.5',
      'b2 = randn(7, 1, 4) * 0.5',
      'W3 = randn(2, 7, 5) * 0.5',
      'b3 = randn(2, 1, 6) * 0.5',
    ].join('\n'),
    expression: 'a1 = sigmoid(W1 @ x + b1)\na2 = sigmoid(W2 @ a1 + b2)\na3 = sigmoid(W3 @ a2 + b3)\nC = sum((a3 - y)^2) / size(x)',
    hand: [
      '# the seed\'s Jacobians: J = 2(a3 − y) ⊙ σ\'(z3), back through W3, W2',
      'N = size(x)',
      'J3 = 2*(a3 - y) * a3*(1 - a3)',
      'J2 = (T(W3) @ J3) * a2*(1 - a2)',
      'J1 = (T(W2) @ J2) * a1*(1 - a1)',
      'dW3 = J3 @ T(a2) / N',
      'db3 = sum(J3, 1, 1) / N',
      'dW2 = J2 @ T(a1) / N',
      'db2 = sum(J2, 1, 1) / N',
      'dW1 = J1 @ T(x) / N',
      'db1 = sum(J1, 1, 1) / N',
    ].join('\n'),
    curve: { prediction: 'a3', target: 'y' },
    rate: 7,
  },
  {
    id: 'mlp',
    title: 'A small MLP 2-3-1 (tanh hidden layer, mean squared error, 4 samples)',
    values: [
      'data X = [[0, 0, 1, 1], [0, 1, 0, 1]]   # 4 samples, one per column',
      'data Y = [[0, 1, 1, 0]]',
      'W1 = randn(3, 2, 7)',
      'b1 = zeros(3, 1)',
      'W2 = randn(1, 3, 8)',
      'b2 = zeros(1, 1)',
    ].join('\n'),
    expression: 'H = tanh(W1 @ X + b1)\nP = W2 @ H + b2\nL = mean((P - Y)^2)',
    hand: [
      'm = size(Y)',
      'dP = 2*(P - Y) / m',
      'dW2 = dP @ T(H)',
      'db2 = sum(dP, 1, 1)',
      'dZ = (T(W2) @ dP) * (1 - H^2)',
      'dW1 = dZ @ T(X)',
      'db1 = sum(dZ, 1, 1)',
    ].join('\n'),
    rate: 0.2,
  },
];
