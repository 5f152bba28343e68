"""The benchmark's Python systems: the seed labs' own numpy manual-backprop code, and PyTorch.

One process runs one workload for one system and prints one marked JSON line, as bench/worker.ts does:

    python3 bench/numpy_bench.py SYSTEM WORKLOAD PLAN_JSON     (SYSTEM: numpy, numpy-env-unset or torch)

Every input (initial weights, the W1 shuffle, MNIST) is read from the folder named by TAPEGRAD_BENCH_DATA,
written once per run by bench/data.ts, so every system starts from the very same numbers.

numpy follows the seeds: W1 is seed 000 verbatim (column-major, Z1 = W1 @ X + b1; its epoch shuffle is done
before the clock starts, as the other systems' data preparation is); W2 is seed 002's per-sample loop with its
own sigmoid/dsigmoid, with its two bugs fixed (the bias enters Z3, pixels are divided by 255) so it computes
what the other systems compute; W3 is seed 004's Jacobians, with one forward pass per iteration shared by the
six Jacobians (the seed's J_* functions each rerun the network, which would make numpy 6x slower than it needs
to be). numpy computes in float64, as the seeds do. PyTorch runs the same models with autograd in float32.
"""
import json
import os
import resource
import sys
import time

MARKER = 'TAPEGRAD_BENCH_RESULT '
W1_BATCH = 50
W1_EPOCH_STEPS = 1200
W5_DEPTH = 500
W5_WARMUP = 20
WARMUP_STEPS = 5


def now():
    return time.perf_counter()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_calls(call, seconds, min_reps=3):
    """Median seconds per call over about `seconds`, as bench/common.ts timeCalls does it."""
    call()  # untimed: starts OpenBLAS's / torch's threads
    t = now()
    call()
    first = now() - t
    if first >= seconds:
        return first
    samples = []
    start = now()
    while len(samples) < min_reps or now() - start < seconds:
        t = now()
        call()
        samples.append(now() - t)
    samples.sort()
    n = len(samples)
    return samples[n // 2] if n % 2 else (samples[n // 2 - 1] + samples[n // 2]) / 2


def time_repeats(call, warmup, reps):
    """The middle of `reps` timed calls after `warmup` untimed ones (bench/common.ts timeRepeats)."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(reps):
        t = now()
        call()
        samples.append(now() - t)
    samples.sort()
    return samples[len(samples) >> 1]


class Data:
    """The shared inputs from TAPEGRAD_BENCH_DATA (see bench/data.ts)."""

    def __init__(self, np):
        self.np = np
        self.dir = os.environ.get('TAPEGRAD_BENCH_DATA')
        if not self.dir:
            raise RuntimeError('numpy_bench.py: TAPEGRAD_BENCH_DATA is not set (bench/run.ts sets it)')
        with open(os.path.join(self.dir, 'weights.json')) as f:
            self.manifest = json.load(f)
        self.weights = np.fromfile(os.path.join(self.dir, self.manifest['files']['weights']), dtype='<f8')

    def layers(self, workload):
        """[(w [fanIn, fanOut] row-major, b [fanOut])] in float64, exactly the numbers the other systems read."""
        out = []
        for l in self.manifest['layers'][workload]:
            w = self.weights[l['w']:l['w'] + l['fanIn'] * l['fanOut']].reshape(l['fanIn'], l['fanOut']).copy()
            b = self.weights[l['b']:l['b'] + l['fanOut']].copy()
            out.append((w, b))
        return out

    def split(self, name):
        np = self.np
        files, count = self.manifest['files'], self.manifest['counts'][name]
        images = np.fromfile(os.path.join(self.dir, files[name + 'Images']), dtype=np.uint8).reshape(count, 784)
        labels = np.fromfile(os.path.join(self.dir, files[name + 'Labels']), dtype=np.uint8)
        return images, labels

    def shuffle(self):
        return self.np.fromfile(os.path.join(self.dir, self.manifest['files']['w1Shuffle']), dtype='<i4')


def curve_data(np):
    """W3's 100 points, x = i/99, y = (0.5 + 0.35 sin 2πx, 0.5 + 0.35 sin 4πx) (bench/common.ts curveData)."""
    x = np.arange(100) / 99
    y = np.stack([0.5 + 0.35 * np.sin(2 * np.pi * x), 0.5 + 0.35 * np.sin(4 * np.pi * x)])
    return x, y


def w4_operands(np, m, k, n, dtype):
    rng = np.random.default_rng(4)
    return rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)


# ---------------------------------------------------------------------------------------------- numpy (the seeds)

def numpy_w1(np, data, plan):
    # Seed 000, verbatim but for the shared weights: params are (out, in), so W1 = w.T.
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
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

    def sgd(params, grads, eta):
        for key in params:
            params[key] -= eta * grads["d" + key]

    def init():
        (w1, b1), (w2, b2) = data.layers('W1')
        return {"W1": w1.T.copy(), "b1": b1.reshape(-1, 1), "W2": w2.T.copy(), "b2": b2.reshape(-1, 1)}

    images, labels = data.split('train')
    X = images.reshape(-1, 784).T / 255.0
    Y = np.eye(10)[labels].T
    indices = data.shuffle()
    X_train, Y_train = X[:, indices], Y[:, indices]

    def step(params, s):
        i = s * W1_BATCH
        X_batch, Y_batch = X_train[:, i:i + W1_BATCH], Y_train[:, i:i + W1_BATCH]
        Yhat, outputs = forward(params, X_batch)
        loss_accuracy(Yhat, Y_batch)
        grads = backward(X_batch, Y_batch, params, outputs)
        sgd(params, grads, 0.1)

    warm = init()
    for s in range(WARMUP_STEPS):
        step(warm, s)
    params = init()
    t0 = now()
    for s in range(plan['w1Steps']):
        step(params, s)
    seconds = now() - t0
    test_images, test_labels = data.split('test')
    n = plan['w1TestCount']
    Yhat, _ = forward(params, test_images[:n].reshape(-1, 784).T / 255.0)
    acc = float(np.mean(np.argmax(Yhat, axis=0) == test_labels[:n]))
    return {'W1 epoch': seconds * W1_EPOCH_STEPS / plan['w1Steps'], 'W1 accuracy': acc, 'W1 peak RSS': peak_rss_mb()}


def numpy_w2(np, data, plan):
    # Seed 002's helpers, verbatim.
    def sigmoid(x):
        x = np.clip(x, -500, 500)
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

    def dsigmoid(x):
        return sigmoid(x) * (1 - sigmoid(x))

    def softmax(x):
        b = x.max()
        y = np.exp(x - b)
        return y / y.sum()

    def integer_to_one_hot(x, max):
        result = np.zeros(10)
        result[x] = 1
        return result

    def init():
        layers = data.layers('W2')
        return [w for w, _ in layers], [b.reshape(1, -1) for _, b in layers]

    images, labels = data.split('train')
    x_train = images / 255  # fixed: the seed fed raw 0..255 pixels

    def train_one_sample(weights, biases, sample, y, learning_rate=0.003):
        a = np.reshape(sample, (1, 28 * 28))
        Z1 = np.dot(a, weights[0]) + biases[0]
        a1 = sigmoid(Z1)
        Z2 = np.dot(a1, weights[1]) + biases[1]
        a2 = sigmoid(Z2)
        Z3 = np.dot(a2, weights[2]) + biases[2]  # fixed: the seed passed biases[2] as np.dot's `out`
        s = softmax(Z3)
        y_v = integer_to_one_hot(y, 10)
        dZ3 = s - y_v
        dW3 = np.dot(a2.T, dZ3)
        db3 = dZ3
        dZ2 = np.multiply(dZ3.dot(weights[2].T), dsigmoid(Z2))
        dW2 = np.dot(a1.T, dZ2)
        db2 = dZ2
        dZ1 = np.multiply(dZ2.dot(weights[1].T), dsigmoid(Z1))
        dW1 = np.dot(a.T, dZ1)
        db1 = dZ1
        weight_gradients = [dW1, dW2, dW3]
        bias_gradients = [db1, db2, db3]
        for i in range(3):
            weights[i] = weights[i] - learning_rate * weight_gradients[i]
            biases[i] = biases[i] - learning_rate * bias_gradients[i]

    ww, wb = init()
    for i in range(WARMUP_STEPS):
        train_one_sample(ww, wb, x_train[i], labels[i])
    weights, biases = init()
    t0 = now()
    for i in range(plan['w2Samples']):
        train_one_sample(weights, biases, x_train[i], labels[i])
    rate = plan['w2Samples'] / (now() - t0)
    test_images, test_labels = data.split('test')
    n = plan['w1TestCount']
    a = test_images[:n] / 255
    for i in range(2):
        a = sigmoid(a @ weights[i] + biases[i])
    logits = a @ weights[2] + biases[2]
    return {'W2 rate': rate, 'W2 accuracy': float(np.mean(np.argmax(logits, axis=1) == test_labels[:n]))}


def numpy_w3(np, data, plan):
    # Seed 004: column-major layers, sigma and d_sigma as the seed defines them.
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    d_sigma = lambda z: np.cosh(z / 2) ** (-2) / 4  # noqa: E731
    x1, y = curve_data(np)
    x = x1.reshape(1, -1)

    def init():
        return [[w.T.copy(), b.reshape(-1, 1)] for w, b in data.layers('W3')]

    def network_function(net, a0):
        (W1, b1), (W2, b2), (W3, b3) = net
        z1 = W1 @ a0 + b1
        a1 = sigma(z1)
        z2 = W2 @ a1 + b2
        a2 = sigma(z2)
        z3 = W3 @ a2 + b3
        a3 = sigma(z3)
        return a0, z1, a1, z2, a2, z3, a3

    def step(net):
        (W1, b1), (W2, b2), (W3, b3) = net
        a0, z1, a1, z2, a2, z3, a3 = network_function(net, x)
        # The seed's J_W3, J_b3, J_W2, J_b2, J_W1, J_b1, sharing the one forward pass.
        J = 2 * (a3 - y)
        J = J * d_sigma(z3)
        JW3 = J @ a2.T / x.size
        Jb3 = np.sum(J, axis=1, keepdims=True) / x.size
        J = (J.T @ W3).T
        J = J * d_sigma(z2)
        JW2 = J @ a1.T / x.size
        Jb2 = np.sum(J, axis=1, keepdims=True) / x.size
        J = (J.T @ W2).T
        J = J * d_sigma(z1)
        JW1 = J @ a0.T / x.size
        Jb1 = np.sum(J, axis=1, keepdims=True) / x.size
        aggression = 7
        net[0][0] = W1 - aggression * JW1
        net[0][1] = b1 - aggression * Jb1
        net[1][0] = W2 - aggression * JW2
        net[1][1] = b2 - aggression * Jb2
        net[2][0] = W3 - aggression * JW3
        net[2][1] = b3 - aggression * Jb3

    warm = init()
    for _ in range(WARMUP_STEPS):
        step(warm)
    net = init()
    t0 = now()
    for _ in range(plan['w3Iterations']):
        step(net)
    rate = plan['w3Iterations'] / (now() - t0)
    cost = lambda: np.linalg.norm(network_function(net, x)[-1] - y) ** 2 / x.size  # noqa: E731
    # The mean over the period-2 cycle the descent ends in (see finalCost in bench/tapegrad.ts).
    before = cost()
    step(net)
    return {'W3 rate': rate, 'W3 cost': float((before + cost()) / 2)}


def numpy_w4(np, data, plan):
    metrics = {}
    for dtype, tag in ((np.float32, 'f32'), (np.float64, 'f64')):
        for m, k, n in plan['w4Sizes']:
            a, b = w4_operands(np, m, k, n, dtype)
            seconds = time_calls(lambda: np.matmul(a, b), plan['w4Seconds'])
            metrics[f'W4 {tag} {m}x{k}x{n}'] = 2 * m * k * n / seconds / 1e9
    return metrics


# ---------------------------------------------------------------------------------------------- PyTorch

def torch_params(torch, layers, dtype):
    return [(torch.tensor(w, dtype=dtype, requires_grad=True), torch.tensor(b, dtype=dtype, requires_grad=True)) for w, b in layers]


def torch_w1(torch, np, data, plan):
    F = torch.nn.functional
    images, labels = data.split('train')
    X = torch.from_numpy((images / np.float32(255)).astype(np.float32))
    Y = torch.from_numpy(labels.astype(np.int64))
    perm = torch.from_numpy(data.shuffle().astype(np.int64))

    def net(ps, x):
        (w1, b1), (w2, b2) = ps
        return torch.tanh(x @ w1 + b1) @ w2 + b2

    def run(steps):
        ps = torch_params(torch, data.layers('W1'), torch.float32)
        opt = torch.optim.SGD([t for p in ps for t in p], lr=0.1)
        t0 = now()
        for s in range(steps):
            idx = perm[s * W1_BATCH:(s + 1) * W1_BATCH]
            loss = F.cross_entropy(net(ps, X[idx]), Y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return ps, now() - t0

    run(WARMUP_STEPS)
    ps, seconds = run(plan['w1Steps'])
    test_images, test_labels = data.split('test')
    n = plan['w1TestCount']
    with torch.no_grad():
        logits = net(ps, torch.from_numpy((test_images[:n] / np.float32(255)).astype(np.float32)))
    acc = float((logits.argmax(1).numpy() == test_labels[:n]).mean())
    return {'W1 epoch': seconds * W1_EPOCH_STEPS / plan['w1Steps'], 'W1 accuracy': acc, 'W1 peak RSS': peak_rss_mb()}


def torch_w2(torch, np, data, plan):
    F = torch.nn.functional
    images, labels = data.split('train')
    X = torch.from_numpy((images / np.float32(255)).astype(np.float32))
    Y = torch.from_numpy(labels.astype(np.int64))

    def net(ps, x):
        (w1, b1), (w2, b2), (w3, b3) = ps
        a1 = torch.sigmoid(x @ w1 + b1)
        a2 = torch.sigmoid(a1 @ w2 + b2)
        return a2 @ w3 + b3

    def run(samples):
        ps = torch_params(torch, data.layers('W2'), torch.float32)
        opt = torch.optim.SGD([t for p in ps for t in p], lr=0.003)
        t0 = now()
        for i in range(samples):
            loss = F.cross_entropy(net(ps, X[i:i + 1]), Y[i:i + 1])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return ps, now() - t0

    run(WARMUP_STEPS)
    ps, seconds = run(plan['w2Samples'])
    test_images, test_labels = data.split('test')
    n = plan['w1TestCount']
    with torch.no_grad():
        logits = net(ps, torch.from_numpy((test_images[:n] / np.float32(255)).astype(np.float32)))
    return {'W2 rate': plan['w2Samples'] / seconds, 'W2 accuracy': float((logits.argmax(1).numpy() == test_labels[:n]).mean())}


def torch_w3(torch, np, data, plan):
    x1, y = curve_data(np)
    xs = torch.tensor(x1.reshape(-1, 1), dtype=torch.float32)
    ys = torch.tensor(y.T.copy(), dtype=torch.float32)
    n = xs.shape[0]

    def cost(ps):
        a = xs
        for w, b in ps:
            a = torch.sigmoid(a @ w + b)
        return ((a - ys) ** 2).sum() / n

    def run(iterations):
        ps = torch_params(torch, data.layers('W3'), torch.float32)
        opt = torch.optim.SGD([t for p in ps for t in p], lr=7)
        t0 = now()
        for _ in range(iterations):
            loss = cost(ps)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return ps, now() - t0

    run(WARMUP_STEPS)
    ps, seconds = run(plan['w3Iterations'])
    with torch.no_grad():
        before = float(cost(ps))
    # One more (untimed) step: the mean over the period-2 cycle (see finalCost in bench/tapegrad.ts).
    opt = torch.optim.SGD([t for p in ps for t in p], lr=7)
    loss = cost(ps)
    loss.backward()
    opt.step()
    with torch.no_grad():
        final = (before + float(cost(ps))) / 2
    return {'W3 rate': plan['w3Iterations'] / seconds, 'W3 cost': final}


def torch_w4(torch, np, data, plan):
    metrics = {}
    for dtype, tag in ((np.float32, 'f32'), (np.float64, 'f64')):
        for m, k, n in plan['w4Sizes']:
            a, b = (torch.from_numpy(t) for t in w4_operands(np, m, k, n, dtype))
            seconds = time_calls(lambda: torch.matmul(a, b), plan['w4Seconds'])
            metrics[f'W4 {tag} {m}x{k}x{n}'] = 2 * m * k * n / seconds / 1e9
    return metrics


def torch_w5(torch, np, data, plan):
    x = torch.tensor(0.3)
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(0.1, requires_grad=True)

    def once():
        h = x
        for _ in range(W5_DEPTH):
            h = torch.tanh(h * w + b)
        h.backward()
        if not np.isfinite(float(w.grad)):
            raise RuntimeError('numpy_bench.py W5: no finite gradient for w')
        w.grad = None
        b.grad = None

    seconds = time_repeats(once, W5_WARMUP, plan['w5Reps'])
    return {'W5 per-op': seconds / (3 * W5_DEPTH) * 1e6}


# ---------------------------------------------------------------------------------------------- reporting

BLAS_ENV = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')


def openblas_info(np):
    """Version, kernel (corename) and threads of the OpenBLAS numpy links, via threadpoolctl or ctypes."""
    info = {}
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get('internal_api') in ('openblas', 'mkl', 'blis'):
                info.update({'blas': pool.get('internal_api'), 'version': pool.get('version'),
                             'corename': pool.get('architecture'), 'threads': pool.get('num_threads'),
                             'threadingLayer': pool.get('threading_layer'), 'via': 'threadpoolctl'})
                return info
    except ImportError:
        pass
    import ctypes
    import glob
    try:
        cfg = np.show_config(mode='dicts')['Build Dependencies']['blas']
        info.update({'blas': cfg.get('name'), 'version': cfg.get('version'), 'config': cfg.get('openblas configuration')})
    except Exception:  # numpy < 1.26 has no mode='dicts'
        pass
    here = os.path.dirname(np.__file__)
    candidates = glob.glob(os.path.join(here, '..', 'numpy.libs', '*openblas*')) + glob.glob(os.path.join(here, '.libs', '*openblas*'))
    candidates += ['libopenblas.so.0', 'libblas.so.3']
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ('scipy_openblas', 'openblas'):
            for suffix in ('64_', ''):
                corename = getattr(lib, f'{prefix}_get_corename{suffix}', None)
                if corename is None:
                    continue
                corename.restype = ctypes.c_char_p
                info['corename'] = corename().decode()
                config = getattr(lib, f'{prefix}_get_config{suffix}', None)
                if config is not None:
                    config.restype = ctypes.c_char_p
                    info['config'] = config().decode()
                threads = getattr(lib, f'{prefix}_get_num_threads{suffix}', None)
                if threads is not None:
                    info['threads'] = threads()
                info['library'] = os.path.basename(path)
                info['via'] = 'ctypes'
                return info
    return info


def system_info(system, np, torch):
    info = {'python': sys.version.split()[0], 'executable': sys.executable, 'numpy': np.__version__,
            'env': {k: os.environ.get(k) for k in BLAS_ENV if os.environ.get(k) is not None}}
    if system.startswith('numpy'):
        info['openblas'] = openblas_info(np)
    if torch is not None:
        info.update({'torch': torch.__version__, 'threads': torch.get_num_threads(),
                     'cpuCapability': torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else None,
                     'blasInfo': next((p.split('=')[1] for p in torch.__config__.show().replace(',', ' ').split() if p.startswith('BLAS_INFO=')), None)})
    return info


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    system, workload, plan_json = argv
    plan = json.loads(plan_json)
    import numpy as np
    torch = None
    if system == 'torch':
        import torch
        # All cores, as numpy's OpenBLAS and tapegrad use (torch's own default here is 1 thread).
        torch.set_num_threads(os.cpu_count() or 1)
        torch.manual_seed(0)
    elif system not in ('numpy', 'numpy-env-unset'):
        raise SystemExit(f'numpy_bench.py: unknown system {system!r}')
    data = Data(np)
    notes = []
    if system == 'torch':
        run = {'W1': torch_w1, 'W2': torch_w2, 'W3': torch_w3, 'W4': torch_w4, 'W5': torch_w5}[workload]
        metrics = run(torch, np, data, plan)
    elif workload == 'W5':
        metrics = {}
        notes.append('numpy has no autodiff: W5 (per-op overhead of a recorded graph) does not apply')
    else:
        metrics = {'W1': numpy_w1, 'W2': numpy_w2, 'W3': numpy_w3, 'W4': numpy_w4}[workload](np, data, plan)
    result = {'system': system, 'workload': workload, 'mode': plan.get('mode', 'default'), 'metrics': metrics,
              'notes': notes, 'info': system_info(system, np, torch)}
    sys.stdout.write('\n' + MARKER + json.dumps(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
