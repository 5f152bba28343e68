# Seed 001 as a lab file: the same MLP in the row-major layout (Z1 = X @ W1 + b1, X is [m, nx]),
# with the seeded init it prints and its hand-written backward, checked three ways.
# Run it:  npx tapegrad check examples/labs/seed001.py
import numpy as np
import tapegrad

def init_params(nx, nh, ny):
    np.random.seed(42)
    W1 = np.random.normal(0, 0.3, (nx, nh))
    b1 = np.random.normal(0, 0.3, (1, nh))
    W2 = np.random.normal(0, 0.3, (nh, ny))
    b2 = np.random.normal(0, 0.3, (1, ny))
    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}

print(init_params(1,2,1))

def softmax(z):
    exp_z = np.exp(z - np.max(z, axis=1, keepdims=True))
    return exp_z / np.sum(exp_z, axis=1, keepdims=True)

#batch size = number of samples and nx = number of features per sample
def forward(params, X):
    W1, b1, W2, b2 = params['W1'], params['b1'], params['W2'], params['b2']
    Z1 = np.dot(X, W1) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(A1, W2) + b2
    Yhat = softmax(Z2) # this will gives for each sample the proba of its classes
    return Yhat, {'Z1': Z1, 'A1': A1, 'Z2': Z2}

def loss_accuracy(Y_hat, Y):
    m = Y.shape[0]
    epsilon = 1e-10 #pour eviter log(0)
    loss = -np.sum(Y * np.log(Y_hat + epsilon)) / m #cross entropy function
    predictions = np.argmax(Y_hat, axis=1) #find the max proba in each row to be the selected value
    labels = np.argmax(Y, axis=1)
    accuracy = np.mean(predictions == labels) #if pred = true => 1 then we calc the mean
    return loss, accuracy

def backward(X, params, outputs, Y):
    m = Y.shape[0]
    W2 = params['W2']
    A1 = outputs['A1']
    Z2 = outputs['Z2'] # Z2 = A1 * W2 + b2
    Y_hat = softmax(Z2)

    dZ2 = (Y_hat - Y) / m # dJ/dZ2 is simplified to (Y_hat - Y).
    dW2 = np.dot(A1.T, dZ2)
    db2 = np.sum(dZ2, axis=0, keepdims=True)

    dA1 = np.dot(dZ2, W2.T)
    dZ1 = dA1 * (1 - np.square(A1))
    dW1 = np.dot(X.T, dZ1)
    db1 = np.sum(dZ1, axis=0, keepdims=True)

    return {'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}

# Small data instead of MNIST: 8 samples of 6 features, 3 classes.
params = init_params(6, 5, 3)
X = np.random.rand(8, 6)
Y = np.eye(3)[np.random.randint(0, 3, 8)]

tapegrad.verify(params,
                lambda p: loss_accuracy(forward(p, X)[0], Y)[0],
                lambda p: backward(X, p, forward(p, X)[1], Y))

# The seed's training loop steps over range(0, X_train.shape[1], batch_size): X_train.shape[1] is
# the 784 features, not the 60000 samples, so each epoch trains on 7 batches of 128 images.
visited = len(range(0, 784, 128)) * 128
print(f"the seed's loop visits {visited} of 60000 samples per epoch ({100 * visited / 60000:.2f} %)")
