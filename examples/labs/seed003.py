# Seed 003 as a lab file: a ReLU hidden layer, softmax output and average cross-entropy, with the
# write-up's helpers as written and a back_prop that follows its derivation (p - y, not 1 - y),
# trained full-batch with momentum for a few steps.
# Run it:  npx tapegrad check examples/labs/seed003.py
import numpy as np
import tapegrad

def relu(x):
    # x is an array so we need to check element wise if x[i] > 0 or not
    return np.maximum(x, 0)

def softmax(x):
    # prevent overflow
    x = x - (np.max(x, axis=1)).reshape(x.shape[0], 1)
    return np.exp(x) / (np.sum(np.exp(x), axis=1)).reshape(x.shape[0],1)

def compute_layer(x, w, b):
    # x: N, F
    # w: F, H
    # b: 1, H
    # return N, H
    s = np.matmul(x, w) + b
    return s

def average_ce(target, prediction):
    N = target.shape[0]
    avg_ce = -np.sum(target * np.log(prediction + 0.00001)) / N
    return avg_ce

def grad_ce(target, logits):
    # prediction = softmax(logits)
    return (logits - target)

def forward_prop(x_i, b_h, w_h, b_o, w_o):
    z_h = compute_layer(x_i, w_h, b_h)
    x_h = relu(z_h)
    z_o = compute_layer(x_h, w_o, b_o)
    x_o = softmax(z_o)
    return x_h, x_o, z_o, z_h

def back_prop(x_h, x_o, x_i, w_o, z_o, target, z_h):
    N = target.shape[0]
    delta_o = grad_ce(target, x_o)      # dL/dz_o = p - y, for the loss summed over the batch
    d_wo = np.matmul(np.transpose(x_h), delta_o) / N
    d_bo = np.sum(delta_o, axis=0, keepdims=True) / N
    delta_h = np.matmul(delta_o, np.transpose(w_o)) * (z_h > 0)   # relu'(z_h) = 1(z_h > 0)
    d_wh = np.matmul(np.transpose(x_i), delta_h) / N
    d_bh = np.sum(delta_h, axis=0, keepdims=True) / N
    return d_wo, d_bo, d_wh, d_bh

# 10 samples of 12 features, 8 hidden units, 4 classes (notMNIST / MNIST in the seed).
np.random.seed(3)
F, H, K, N = 12, 8, 4, 10
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

# Momentum, as the seed trains (200 steps there, 5 here).
gamma, learning_rate = 0.9, 0.1
vw_h, vb_h, vw_o, vb_o = 0, 0, 0, 0
losses = []
for epoch in range(5):
    x_h, x_o, z_o, z_h = forward_prop(x_i, b_h, w_h, b_o, w_o)
    losses.append(average_ce(train_target, x_o))
    d_wo, d_bo, d_wh, d_bh = back_prop(x_h, x_o, x_i, w_o, z_o, train_target, z_h)
    vw_h = gamma*vw_h + learning_rate*d_wh
    vb_h = gamma*vb_h + learning_rate*d_bh
    vw_o = gamma*vw_o + learning_rate*d_wo
    vb_o = gamma*vb_o + learning_rate*d_bo
    w_h = w_h - vw_h
    b_h = b_h - vb_h
    w_o = w_o - vw_o
    b_o = b_o - vb_o
print("Loss ", [round(float(l), 4) for l in losses])
