# Seed 002 as a lab file: a 2-hidden-layer sigmoid network trained one sample at a time.
# The seed computes z3 = np.dot(a2, weights[2], biases[2]): numpy's third argument is `out`, so the
# bias is overwritten and never added. This lab adds it (z3 = np.dot(a2, weights[2]) + biases[2]);
# checking the seed's own line shows db3 is the gradient of nothing.
# Run it:  npx tapegrad check examples/labs/seed002.py
import math
import numpy as np
import tapegrad

def sigmoid(x):
    # Numerically stable sigmoid function based on
    # http://timvieira.github.io/blog/post/2014/02/11/exp-normalize-trick/
    x = np.clip(x, -500, 500) # We get an overflow warning without this

    return np.where(
        x >= 0,
        1 / (1 + np.exp(-x)),
        np.exp(x) / (1 + np.exp(x))
    )

def dsigmoid(x): # Derivative of sigmoid
    return sigmoid(x) * (1 - sigmoid(x))

def softmax(x):
    # Numerically stable softmax based on (same source as sigmoid)
    # http://timvieira.github.io/blog/post/2014/02/11/exp-normalize-trick/
    b = x.max()
    y = np.exp(x - b)
    return y / y.sum()

def cross_entropy_loss(y, yHat):
    return -np.sum(y * np.log(yHat))

def integer_to_one_hot(x, max):
    # x: integer to convert to one hot encoding
    # max: the size of the one hot encoded array
    result = np.zeros(10)
    result[x] = 1
    return result

# 784 -> 32 -> 32 -> 10 in the seed; 16 -> 8 -> 8 -> 10 here so the check is instant.
n_in, n_h = 16, 8
np.random.seed(2)
weights = [
    np.random.normal(0, 1/math.sqrt(n_in), (n_in, n_h)),
    np.random.normal(0, 1/math.sqrt(n_h), (n_h, n_h)),
    np.random.normal(0, 1/math.sqrt(n_h), (n_h, 10))
]
# The seed starts the biases at zero; small random values exercise their gradients.
biases = [np.random.normal(0, 0.3, (1, n_h)), np.random.normal(0, 0.3, (1, n_h)), np.random.normal(0, 0.3, (1, 10))]

def feed_forward_sample(sample, y):
    a = np.reshape(sample, (1, n_in))
    z1 = np.dot(a,weights[0]) + biases[0]
    a1 = sigmoid(z1)
    z2 = np.dot(a1,weights[1]) + biases[1]
    a2 =sigmoid(z2)
    z3= np.dot(a2,weights[2]) + biases[2]
    s = softmax(z3)
    pred_class = np.argmax(s)
    one_hot_guess = integer_to_one_hot(pred_class,10)
    y_v = integer_to_one_hot(y,10)
    loss = cross_entropy_loss(y_v,s)
    return loss, one_hot_guess

# train_one_sample's forward and backward, returning the gradients it would step with.
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

    weight_gradients = [dW1, dW2, dW3]
    bias_gradients = [db1, db2, db3]
    return weight_gradients, bias_gradients

def train_one_sample(sample, y, learning_rate=0.003):
    weight_gradients, bias_gradients = sample_gradients(sample, y)
    num_layers = 3
    for i in range(num_layers):
        weights[i] = weights[i] - learning_rate * weight_gradients[i]
        biases[i] = biases[i] - learning_rate * bias_gradients[i]

x_train = np.random.rand(4, n_in)
y_train = np.random.randint(0, 10, 4)

def gradients():
    weight_gradients, bias_gradients = sample_gradients(x_train[0], y_train[0])
    return weight_gradients + bias_gradients

tapegrad.verify(["weights", "biases"], lambda: feed_forward_sample(x_train[0], y_train[0])[0], gradients)

for i in range(x_train.shape[0]):
    train_one_sample(x_train[i], y_train[i])

# The seed feeds raw 0-255 pixels: the first layer's sigmoids saturate (sigma' ~ 0), so little is learnt.
z_raw = np.dot(np.reshape(x_train[0] * 255, (1, n_in)), weights[0]) + biases[0]
z_scaled = np.dot(np.reshape(x_train[0], (1, n_in)), weights[0]) + biases[0]
print(f"saturated first-layer sigmoids (sigma' < 1e-3): {100 * np.mean(dsigmoid(z_raw) < 1e-3):.1f} % fed raw pixels, {100 * np.mean(dsigmoid(z_scaled) < 1e-3):.1f} % fed pixels / 255")
