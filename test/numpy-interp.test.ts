/**
 * The numpy dialect interpreter against real Python + numpy: each case in
 * test/fixtures/numpy/cases.json is a program and the stdout CPython 3.11.7 with numpy 2.4.6
 * printed for it (made by `python3 test/fixtures/numpy/make-cases.py`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNumpy } from '../src/numpy/index.js';
import { PyError } from '../src/numpy/host.js';

const cases = JSON.parse(readFileSync('test/fixtures/numpy/cases.json', 'utf8')) as Record<string, { source: string; stdout: string }>;

describe('the interpreter prints what python3 + numpy print', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      expect(runNumpy(c.source, { filename: `${name}.py` }).stdout).toBe(c.stdout);
    });
  }
});

function errorOf(source: string): PyError {
  try {
    runNumpy(source, { filename: 'lab.py' });
  } catch (e) {
    if (e instanceof PyError) return e;
    throw e;
  }
  throw new Error('expected a PyError');
}

describe('errors name the file, line, column and construct', () => {
  it.each([
    ['x = 1\ndef g():\n    yield 1\n', 'NotSupported', 3, 5, '`yield` is not supported'],
    ['async def f():\n    pass\n', 'NotSupported', 1, 1, '`async def` is not supported'],
    ['with open("f") as f:\n    pass\n', 'NotSupported', 1, 1, '`with` is not supported'],
    ['import numpy as np\ny = np.fft.fft(np.zeros(4))\n', 'NotSupported', 2, 5, 'numpy function `np.fft.fft` is not supported'],
    ['import numpy as np\ny = np.einsum("ii", np.eye(2))\n', 'NotSupported', 2, 5, "np.einsum with a repeated subscript in one operand ('ii': a diagonal or trace) is not supported"],
    ['import numpy as np\ny = np.fft.fft(np.ones(4))\n', 'NotSupported', 2, 5, 'numpy function `np.fft.fft` is not supported'],
    ['x = (1,\n', 'SyntaxError', 2, 1, 'invalid syntax'],
    ['def f():\n    return undefined_name\nf()\n', 'NameError', 2, 12, "name 'undefined_name' is not defined"],
    ['x = 1 / 0\n', 'ZeroDivisionError', 1, 5, 'division by zero'],
    ['x = [1, 2][5]\n', 'IndexError', 1, 5, 'list index out of range'],
    ['d = {}\nd["k"]\n', 'KeyError', 2, 1, "'k'"],
    ['x = "a" + 1\n', 'TypeError', 1, 5, "unsupported operand type(s) for +: 'str' and 'int'"],
    // numpy 2.4.6: np.ones((2,3)) + np.ones(4) -> "operands could not be broadcast together with shapes (2,3) (4,) "
    ['import numpy as np\nz = np.ones((2, 3)) + np.ones(4)\n', 'ValueError', 2, 5, 'operands could not be broadcast together with shapes (2,3) (4,) '],
    // numpy: np.dot(np.ones((3,4)), np.ones((5,2))) -> "shapes (3,4) and (5,2) not aligned: 4 (dim 1) != 5 (dim 0)"
    ['import numpy as np\nz = np.dot(np.ones((3, 4)), np.ones((5, 2)))\n', 'ValueError', 2, 5, 'shapes (3,4) and (5,2) not aligned: 4 (dim 1) != 5 (dim 0)'],
    ['import numpy as np\nz = np.ones(3)[5]\n', 'IndexError', 2, 5, 'index 5 is out of bounds for axis 0 with size 3'],
    ['import numpy as np\na = np.ones(3, dtype=int)\na /= 2\n', 'UFuncTypeError', 3, 1, "Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'"],
    ['assert 1 == 2, "nope"\n', 'AssertionError', 1, 1, 'nope'],
    ['raise ValueError("mine")\n', 'ValueError', 1, 1, 'mine'],
    ['import scipy\n', 'ModuleNotFoundError', 1, 1, "No module named 'scipy' in the tapegrad numpy dialect"],
    // numpy: np.zeros((2, 3))[0, 0, 0] -> "too many indices for array: array is 2-dimensional, but 3 were indexed"
    ['import numpy as np\nz = np.zeros((2, 3))[0, 0, 0]\n', 'IndexError', 2, 5, 'too many indices for array: array is 2-dimensional, but 3 were indexed'],
    // numpy: np.zeros((2, 3))[:, [0, 3]] -> "index 3 is out of bounds for axis 1 with size 3"
    ['import numpy as np\nz = np.zeros((2, 3))[:, [0, 3]]\n', 'IndexError', 2, 5, 'index 3 is out of bounds for axis 1 with size 3'],
    ['import numpy as np\nfor v in np.nditer(np.ones(2)):\n    pass\n', 'TypeError', 2, 10, "'nditer' object is not iterable"],
    ['import numpy as np\nu = np.unique(np.ones((2, 2)), axis=0)\n', 'NotSupported', 2, 5, 'np.unique(…, axis=…) is not supported (only the flattened array)'],
    ['import numpy as np\nit = np.nditer(np.ones(2), flags=["external_loop"])\n', 'NotSupported', 2, 6, "np.nditer(flags=['external_loop']) is not supported (only 'multi_index' and 'c_index')"],
  ])('%j', (source, pyType, line, column, message) => {
    const e = errorOf(source);
    expect([e.pyType, e.line, e.column, e.pyMessage]).toEqual([pyType, line, column, message]);
    expect(e.message).toBe(`lab.py:${line}:${column}: ${pyType}: ${message}`);
  });

  it('a traceback lists the calls that led to the error', () => {
    const e = errorOf('def inner(x):\n    return x[3]\ndef outer():\n    return inner([1])\nouter()\n');
    expect(e.formatTraceback()).toBe([
      'Traceback (most recent call last):',
      '  File "lab.py", line 5, column 1, in <module>',
      '  File "lab.py", line 4, column 12, in outer',
      '  File "lab.py", line 2, column 12',
      'IndexError: list index out of range',
    ].join('\n'));
  });

  it('user code can catch errors raised by numpy', () => {
    const out = runNumpy('import numpy as np\ntry:\n    np.ones(2) @ np.ones(3)\nexcept ValueError as e:\n    print("caught", type(e).__name__)\n').stdout;
    expect(out).toBe('caught ValueError\n');
  });
});
