# Seed 000 as a lab file: the scalar chain rule for dJ/dw1, then the column-major MLP
# (Z1 = W1 @ X + b1, X is [nx, m]) with its hand-written backward, checked three ways.
# Run it:  npx tapegrad check examples/labs/seed000.py
import numpy as np
import tapegrad

# The scalar chain: z1 = w1 x1, a1 = sigma(z1), z2 = w2 a1, yhat = sigma(z2), J = 1/2 (yhat - y)^2
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

# The MLP, as the seed wrote it (784-128-10 there; small sizes here so the check is instant).
def init_params(nx, nh, ny):
    params = {
        "W1": np.random.normal(0, 0.3, (nh, nx)),
        "b1": np.zeros((nh, 1)),
        "W2": np.random.normal(0, 0.3, (ny, nh)),
        "b2": np.zeros((ny, 1))
    }
    return params

def tanh(x):
    return np.tanh(x)

def softmax(x):
    exp_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return exp_x / np.sum(exp_x, axis=0, keepdims=True)

def forward(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = W1 @ X + b1
    A1 = tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def loss_accuracy(Yhat, Y):
    m = Y.shape[1]
    loss = -np.sum(Y * np.log(Yhat + 1e-8)) / m
    accuracy = np.mean(np.argmax(Yhat, axis=0) == np.argmax(Y, axis=0))
    return loss, accuracy

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

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads

np.random.seed(0)
nx, nh, ny, m = 6, 5, 3, 8
X = np.random.rand(nx, m)
Y = np.eye(ny)[np.random.randint(0, ny, m)].T
params = init_params(nx, nh, ny)
params["b1"] = np.random.normal(0, 0.1, (nh, 1))  # non-zero biases, so their paths are exercised
params["b2"] = np.random.normal(0, 0.1, (ny, 1))

tapegrad.verify(params,
                lambda p: loss_accuracy(forward(p, X)[0], Y)[0],
                lambda p: backward(X, Y, p, forward(p, X)[1]))
