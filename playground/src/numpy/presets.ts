/**
 * The seed labs as ready-made problems for "Your own numpy": each seed's own style of code at small
 * sizes (a few samples, small hidden layers, so a check takes well under a second), opened with a
 * planted slip the student has to find. The correct code is the solution, shown only on request.
 */

/** One ready-made numpy problem (the seam with the page: playground-interface.md). */
export interface NumpyPreset {
  readonly id: string;
  readonly title: string;
  /** What the editor opens with: the lab with one slip planted in its backward. */
  readonly source: string;
  /** The lab as it should be (null: no solution to show). */
  readonly solution: string | null;
}

/** The solution with the slip planted: each `find` (which must occur exactly once) replaced. */
function planted(solution: string, ...edits: [find: string, replace: string][]): string {
  let out = solution;
  for (const [find, replace] of edits) {
    const at = out.indexOf(find);
    if (at < 0 || out.indexOf(find, at + 1) >= 0) throw new Error(`numpy presets: the slip '${find}' must occur exactly once in its lab`);
    out = out.slice(0, at) + replace + out.slice(at + find.length);
  }
  return out;
}

const SEED000_CHAIN = `# Seed 000: the scalar chain rule for dJ/dw1.
# z1 = w1 x1, a1 = sigma(z1), z2 = w2 a1, yhat = sigma(z2), J = 1/2 (yhat - y)^2
import numpy as np
import tapegrad

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

w2, x1, y = -1.5, 2.0, 1.0

def J(w1):
    z1 = w1 * x1
    a1 = sigmoid(z1)
    z2 = w2 * a1
    yhat = sigmoid(z2)
    return 0.5 * (yhat - y) ** 2

def dJ_dw1(w1):
    z1 = w1 * x1
    a1 = sigmoid(z1)
    z2 = w2 * a1
    yhat = sigmoid(z2)
    dJ_dyhat = yhat - y
    dyhat_dz2 = yhat * (1 - yhat)
    dz2_da1 = w2
    da1_dz1 = a1 * (1 - a1)
    dz1_dw1 = x1
    dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * da1_dz1 * dz1_dw1
    return dw1

tapegrad.verify({"w1": np.array(0.5)}, lambda p: J(p["w1"]), lambda p: {"dw1": dJ_dw1(p["w1"])})
`;

const SEED000_MLP = `# Seed 000: the MLP in the column-major layout (Z1 = W1 @ X + b1, X is [nx, m]),
# tanh hidden layer, softmax output, cross-entropy. 784-128-10 in the seed; 4-4-3 on 6 samples here.
import numpy as np
import tapegrad

def init_params(nx, nh, ny):
    params = {
        "W1": np.random.normal(0, 0.3, (nh, nx)),
        "b1": np.random.normal(0, 0.1, (nh, 1)),
        "W2": np.random.normal(0, 0.3, (ny, nh)),
        "b2": np.random.normal(0, 0.1, (ny, 1))
    }
    return params

def softmax(x):
    exp_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return exp_x / np.sum(exp_x, axis=0, keepdims=True)

def forward(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def loss_fn(Yhat, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(Yhat + 1e-8)) / m

def backward(X, Y, params, outputs):
    m = X.shape[1]
    A1, A2 = outputs["A1"], outputs["A2"]
    W2 = params["W2"]

    dZ2 = A2 - Y
    dW2 = (dZ2 @ A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m

    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (1 - np.power(A1, 2))
    dW1 = (dZ1 @ X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

np.random.seed(0)
nx, nh, ny, m = 4, 4, 3, 6
X = np.random.rand(nx, m)
Y = np.eye(ny)[np.random.randint(0, ny, m)].T
params = init_params(nx, nh, ny)

tapegrad.verify(params,
                lambda p: loss_fn(forward(p, X)[0], Y),
                lambda p: backward(X, Y, p, forward(p, X)[1]))
`;

const SEED001 = `# Seed 001: the same MLP in the row-major layout (Z1 = X @ W1 + b1, X is [m, nx]).
# 6 samples of 4 features, 4 hidden units, 3 classes.
import numpy as np
import tapegrad

def init_params(nx, nh, ny):
    np.random.seed(42)
    W1 = np.random.normal(0, 0.3, (nx, nh))
    b1 = np.random.normal(0, 0.3, (1, nh))
    W2 = np.random.normal(0, 0.3, (nh, ny))
    b2 = np.random.normal(0, 0.3, (1, ny))
    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}

def softmax(z):
    exp_z = np.exp(z - np.max(z, axis=1, keepdims=True))
    return exp_z / np.sum(exp_z, axis=1, keepdims=True)

def forward(params, X):
    W1, b1, W2, b2 = params['W1'], params['b1'], params['W2'], params['b2']
    Z1 = np.dot(X, W1) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(A1, W2) + b2
    Yhat = softmax(Z2)
    return Yhat, {'Z1': Z1, 'A1': A1, 'Z2': Z2}

def loss_accuracy(Y_hat, Y):
    m = Y.shape[0]
    epsilon = 1e-10 # to avoid log(0)
    loss = -np.sum(Y * np.log(Y_hat + epsilon)) / m
    accuracy = np.mean(np.argmax(Y_hat, axis=1) == np.argmax(Y, axis=1))
    return loss, accuracy

def backward(X, params, outputs, Y):
    m = Y.shape[0]
    W2 = params['W2']
    A1 = outputs['A1']
    Y_hat = softmax(outputs['Z2'])

    dZ2 = (Y_hat - Y) / m
    dW2 = np.dot(A1.T, dZ2)
    db2 = np.sum(dZ2, axis=0, keepdims=True)

    dA1 = np.dot(dZ2, W2.T)
    dZ1 = dA1 * (1 - np.square(A1))
    dW1 = np.dot(X.T, dZ1)
    db1 = np.sum(dZ1, axis=0, keepdims=True)

    return {'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}

params = init_params(4, 4, 3)
X = np.random.rand(6, 4)
Y = np.eye(3)[np.random.randint(0, 3, 6)]

tapegrad.verify(params,
                lambda p: loss_accuracy(forward(p, X)[0], Y)[0],
                lambda p: backward(X, p, forward(p, X)[1], Y))
`;

const SEED002 = `# Seed 002: two sigmoid hidden layers, softmax + cross-entropy, one sample at a time.
# 784 -> 32 -> 32 -> 10 in the seed; 6 -> 4 -> 4 -> 10 here.
import math
import numpy as np
import tapegrad

def sigmoid(x):
    x = np.clip(x, -500, 500) # We get an overflow warning without this
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

def dsigmoid(x): # Derivative of sigmoid
    return sigmoid(x) * (1 - sigmoid(x))

def softmax(x):
    b = x.max()
    y = np.exp(x - b)
    return y / y.sum()

def cross_entropy_loss(y, yHat):
    return -np.sum(y * np.log(yHat))

def integer_to_one_hot(x, max):
    result = np.zeros(10)
    result[x] = 1
    return result

n_in, n_h = 6, 4
np.random.seed(2)
weights = [
    np.random.normal(0, 1/math.sqrt(n_in), (n_in, n_h)),
    np.random.normal(0, 1/math.sqrt(n_h), (n_h, n_h)),
    np.random.normal(0, 1/math.sqrt(n_h), (n_h, 10))
]
biases = [np.random.normal(0, 0.3, (1, n_h)), np.random.normal(0, 0.3, (1, n_h)), np.random.normal(0, 0.3, (1, 10))]

def feed_forward_sample(sample, y):
    a = np.reshape(sample, (1, n_in))
    z1 = np.dot(a,weights[0]) + biases[0]
    a1 = sigmoid(z1)
    z2 = np.dot(a1,weights[1]) + biases[1]
    a2 =sigmoid(z2)
    z3= np.dot(a2,weights[2]) + biases[2]
    s = softmax(z3)
    y_v = integer_to_one_hot(y,10)
    loss = cross_entropy_loss(y_v,s)
    return loss

def sample_gradients(sample, y):
    a = np.reshape(sample,(1, n_in))
    Z1 = np.dot(a,weights[0]) + biases[0]
    a1 = sigmoid(Z1)
    Z2 = np.dot(a1,weights[1]) + biases[1]
    a2 =sigmoid(Z2)
    Z3= np.dot(a2,weights[2]) + biases[2]
    s = softmax(Z3)
    y_v = integer_to_one_hot(y,10)

    dZ3 = s - y_v
    dW3 = np.dot(a2.T,dZ3)
    db3 = dZ3

    dZ2 = np.multiply(dZ3.dot(weights[2].T),dsigmoid(Z2))
    dW2 = np.dot(a1.T,dZ2)
    db2 = dZ2

    dZ1 = np.multiply(dZ2.dot(weights[1].T),dsigmoid(Z1))
    dW1 = np.dot(a.T,dZ1)
    db1 = dZ1

    return [dW1, dW2, dW3] + [db1, db2, db3]

x_train = np.random.rand(3, n_in)
y_train = np.random.randint(0, 10, 3)

tapegrad.verify(["weights", "biases"],
                lambda: feed_forward_sample(x_train[0], y_train[0]),
                lambda: sample_gradients(x_train[0], y_train[0]))
`;

const SEED003 = `# Seed 003: a ReLU hidden layer, softmax output and average cross-entropy, with the
# write-up's helpers as written. 6 samples of 6 features, 5 hidden units, 3 classes.
import numpy as np
import tapegrad

def relu(x):
    return np.maximum(x, 0)

def softmax(x):
    x = x - (np.max(x, axis=1)).reshape(x.shape[0], 1)
    return np.exp(x) / (np.sum(np.exp(x), axis=1)).reshape(x.shape[0],1)

def compute_layer(x, w, b):
    s = np.matmul(x, w) + b
    return s

def average_ce(target, prediction):
    N = target.shape[0]
    avg_ce = -np.sum(target * np.log(prediction + 0.00001)) / N
    return avg_ce

def grad_ce(target, logits):
    return (logits - target)

def forward_prop(x_i, b_h, w_h, b_o, w_o):
    z_h = compute_layer(x_i, w_h, b_h)
    x_h = relu(z_h)
    z_o = compute_layer(x_h, w_o, b_o)
    x_o = softmax(z_o)
    return x_h, x_o, z_o, z_h

def back_prop(x_h, x_o, x_i, w_o, z_o, target, z_h):
    N = target.shape[0]
    delta_o = grad_ce(target, x_o)
    d_wo = np.matmul(np.transpose(x_h), delta_o) / N
    d_bo = np.sum(delta_o, axis=0, keepdims=True) / N
    delta_h = np.matmul(delta_o, np.transpose(w_o)) * (z_h > 0)
    d_wh = np.matmul(np.transpose(x_i), delta_h) / N
    d_bh = np.sum(delta_h, axis=0, keepdims=True) / N
    return d_wo, d_bo, d_wh, d_bh

np.random.seed(3)
F, H, K, N = 6, 5, 3, 6
x_i = np.random.rand(N, F)
train_target = np.eye(K)[np.random.randint(0, K, N)]
w_h = np.random.randn(F, H) * np.sqrt(2 / (F + H))
b_h = np.random.randn(1, H) * 0.1
w_o = np.random.randn(H, K) * np.sqrt(2 / (H + K))
b_o = np.random.randn(1, K) * 0.1

params = {"w_o": w_o, "b_o": b_o, "w_h": w_h, "b_h": b_h}
def loss(p):
    x_h, x_o, z_o, z_h = forward_prop(x_i, p["b_h"], p["w_h"], p["b_o"], p["w_o"])
    return average_ce(train_target, x_o)
def grads(p):
    x_h, x_o, z_o, z_h = forward_prop(x_i, p["b_h"], p["w_h"], p["b_o"], p["w_o"])
    return back_prop(x_h, x_o, x_i, p["w_o"], z_o, train_target, z_h)

tapegrad.verify(params, loss, grads)
`;

const SEED004 = `# Seed 004: the 1-6-7-2 logistic network that draws a curve, with the worksheet's
# Jacobians J_W3 ... J_b1, read from global weights. 10 points of the curve here.
import numpy as np
import tapegrad

sigma = lambda z : 1 / (1 + np.exp(-z))
d_sigma = lambda z : np.cosh(z/2)**(-2) / 4

def reset_network (n1 = 6, n2 = 7, random=np.random) :
    global W1, W2, W3, b1, b2, b3
    W1 = random.randn(n1, 1) / 2
    W2 = random.randn(n2, n1) / 2
    W3 = random.randn(2, n2) / 2
    b1 = random.randn(n1, 1) / 2
    b2 = random.randn(n2, 1) / 2
    b3 = random.randn(2, 1) / 2

def network_function(a0) :
    z1 = W1 @ a0 + b1
    a1 = sigma(z1)
    z2 = W2 @ a1 + b2
    a2 = sigma(z2)
    z3 = W3 @ a2 + b3
    a3 = sigma(z3)
    return a0, z1, a1, z2, a2, z3, a3

def cost(x, y) :
    return np.linalg.norm(network_function(x)[-1] - y)**2 / x.size

def J_W3 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = J @ a2.T / x.size
    return J

def J_b3 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = np.sum(J, axis=1, keepdims=True) / x.size
    return J

def J_W2 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = (J.T @ W3).T
    J = J * d_sigma(z2)
    J = J @ a1.T / x.size
    return J

def J_b2 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = (J.T @ W3).T
    J = J * d_sigma(z2)
    J = np.sum(J, axis=1, keepdims=True) / x.size
    return J

def J_W1 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = (J.T @ W3).T
    J = J * d_sigma(z2)
    J = (J.T @ W2).T
    J = J * d_sigma(z1)
    J = J @ a0.T / x.size
    return J

def J_b1 (x, y) :
    a0, z1, a1, z2, a2, z3, a3 = network_function(x)
    J = 2 * (a3 - y)
    J = J * d_sigma(z3)
    J = (J.T @ W3).T
    J = J * d_sigma(z2)
    J = (J.T @ W2).T
    J = J * d_sigma(z1)
    J = np.sum(J, axis=1, keepdims=True) / x.size
    return J

x = np.linspace(0, 1, 10).reshape(1, 10)
y = np.stack([0.5 + 0.35 * np.sin(2 * np.pi * x[0]) * np.cos(np.pi * x[0]),
              0.5 + 0.35 * np.cos(2 * np.pi * x[0])])
np.random.seed(4)
reset_network()

tapegrad.verify(["W1", "b1", "W2", "b2", "W3", "b3"],
                lambda: cost(x, y),
                lambda: {"J_W1": J_W1(x, y), "J_b1": J_b1(x, y), "J_W2": J_W2(x, y),
                         "J_b2": J_b2(x, y), "J_W3": J_W3(x, y), "J_b3": J_b3(x, y)})
`;

/** The seeds' numpy labs, each opened with a slip in its backward (see each title). */
export const NUMPY_PRESETS: readonly NumpyPreset[] = [
  {
    id: 'np-seed000-chain',
    title: 'Seed 000 (numpy): the scalar chain dJ/dw1, one factor missing',
    source: planted(SEED000_CHAIN, ['dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * da1_dz1 * dz1_dw1', 'dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * dz1_dw1']),
    solution: SEED000_CHAIN,
  },
  {
    id: 'np-seed000-mlp',
    title: 'Seed 000 (numpy): the column-major tanh MLP, a slip in dW2',
    source: planted(SEED000_MLP, ['dW2 = (dZ2 @ A1.T) / m', 'dW2 = (dZ2 @ A1.T)']),
    solution: SEED000_MLP,
  },
  {
    id: 'np-seed001',
    title: "Seed 001 (numpy): the row-major MLP, the write-up's tanh′",
    source: planted(SEED001, ['dZ1 = dA1 * (1 - np.square(A1))', 'dZ1 = dA1 * (1 - A1)']),
    solution: SEED001,
  },
  {
    id: 'np-seed002',
    title: "Seed 002 (numpy): the per-sample sigmoid net, the seed's np.dot(a2, W3, b3)",
    source: planted(SEED002,
      ['z3= np.dot(a2,weights[2]) + biases[2]', 'z3= np.dot(a2,weights[2], biases[2])'],
      ['Z3= np.dot(a2,weights[2]) + biases[2]', 'Z3= np.dot(a2,weights[2], biases[2])']),
    solution: SEED002,
  },
  {
    id: 'np-seed003',
    title: "Seed 003 (numpy): the ReLU net, the write-up's (1 − y)",
    source: planted(SEED003, ['d_wo = np.matmul(np.transpose(x_h), delta_o) / N', 'd_wo = np.matmul(np.transpose(x_h), 1 - target) / N']),
    solution: SEED003,
  },
  {
    id: 'np-seed004',
    title: "Seed 004 (numpy): the curve network's Jacobians, a slip in J_W2",
    source: planted(SEED004, ['    J = J @ a1.T / x.size', '    J = J @ a1.T']),
    solution: SEED004,
  },
];
