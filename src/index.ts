/**
 * tapegrad: reverse-mode automatic differentiation you can check. Everything public is exported
 * from here; see API.md for the contract.
 */
import './ops/methods.js';
// In Node, installs the native GEMM when it was built (a no-op in browsers; says once if it fails).
import './kernels/native.js';

export type { DType, FloatArray } from './dtype.js';
export { Tensor } from './tensor.js';
export type { NestedArray } from './tensor.js';
export type { Shape } from './shape.js';
export { tensor, zeros, ones, full, randn, rand, oneHot } from './creation.js';
export type { TensorOptions, RandomOptions, CreateOptions } from './creation.js';
export { manualSeed } from './random.js';
export type { Rng } from './random.js';

export { add, sub, mul, div, pow, equalMask, greaterMask, greaterEqualMask, tanhBackward, sigmoidBackward, reluBackward } from './ops/arithmetic.js';
export { neg, exp, log, sqrt, abs, tanh, sigmoid, relu, sign } from './ops/unary.js';
export { sum, mean, max } from './ops/reduce.js';
export type { Axis, ReduceAttrs } from './ops/reduce.js';
export { reshape, transpose, broadcastTo, sumTo, cast } from './ops/shape-ops.js';
export { matmul, matmulNT, matmulTN } from './ops/matmul.js';
export type { MatmulOptions } from './ops/matmul.js';
export { dot, outer } from './ops/products.js';
export { linear } from './ops/linear.js';
export type { LinearActivation, LinearAttrs } from './ops/linear.js';
export { softmax, logSoftmax, softmaxCrossEntropy } from './ops/softmax.js';
export type { CrossEntropyOptions, AxisAttrs, CrossEntropyAttrs, CrossEntropyRowsAttrs, OneHotLabelsAttrs } from './ops/softmax.js';
export type { MatmulAttrs } from './ops/matmul.js';
export { mseLoss } from './ops/loss.js';
export { binaryCrossEntropyWithLogits } from './ops/loss-bce.js';
export type { BceOptions } from './ops/loss-bce.js';
export { where } from './ops/where.js';
export type { Operand } from './ops/operand.js';
export type { ClassLabels } from './ops/labels.js';
export { getItem, setItem, addAt, take, gather, slice, boolMask } from './ops/indexing.js';
export type { FlatIndexAttrs } from './ops/indexing.js';
export type { OffsetPlan } from './ops/index-plan.js';
export type { IndexItem, Slice, BoolMask, NestedBool, NestedIndex } from './ops/index-resolve.js';
export type { IndexLike } from './ops/indices.js';
export { concat, stack, squeeze, expandDims, flatten } from './ops/join.js';
export type { ConcatAttrs } from './ops/join.js';
export { square, cosh, sinh, log1p, expm1, softplus, leakyRelu, elu } from './ops/unary-extra.js';
export { sin, cos, tan, arcsin, arccos, arctan, floor, ceil } from './ops/trig.js';
export { maximum, minimum, clip, clamp } from './ops/minmax.js';
export { min, argmax, argmin, variance, std, logSumExp, norm } from './ops/reduce-extra.js';
export type { ArgAttrs, VarianceOptions } from './ops/reduce-extra.js';
export { PRIMITIVES } from './ops/registry.js';
export type { OpName } from './ops/registry.js';

export { backward } from './engine/backward.js';
export type { BackwardOptions } from './engine/backward.js';
export { grad, valueAndGrad } from './engine/grad.js';
export type { ScalarFn } from './engine/grad.js';
export { jvp, hvp, hessian } from './engine/jvp.js';
export type { JvpResult, JvpResults, HessianOptions } from './engine/jvp.js';
export type { JvpContext } from './engine/forward.js';
export { noGrad, isGradEnabled } from './engine/mode.js';
export { tape } from './engine/tape.js';
export { gradientsOf } from './engine/gradients.js';
export { replay } from './engine/replay.js';
export { compile } from './engine/compile.js';
export type { CompiledStep, CompiledInfo, StepResult } from './engine/compile.js';
export type { TapeRecord, TapeEntry } from './engine/tape.js';
export { applyOpChecked as applyOp } from './engine/op.js';
export { kernelInfo, configureKernels } from './kernels/native.js';
export type { KernelInfo, KernelStep, NativeOptions } from './kernels/native.js';
export type { OpDef, VjpContext } from './engine/op.js';
export { TapeNode } from './engine/node.js';

// Training building blocks (browser-safe; file I/O and MNIST loading live in 'tapegrad/node').
export * from './nn/index.js';
export * from './optim/index.js';
// Straight from the pure modules: the data barrel also holds the MNIST loader, which needs node:fs.
export { parseIdx, encodeIdx } from './data/idx.js';
export type { IdxArray } from './data/idx.js';
export { epochPermutation, batchRanges, gatherFeatures, gatherOneHot, gatherLabels, sliceDataset } from './data/batches.js';
export type { ArrayDataset, Layout } from './data/batches.js';
export { curveDataset } from './data/curve.js';
export type { CurveData, CurveTarget } from './data/curve.js';
export * from './plot/index.js';
export * from './viz/index.js';

// Checking gradients: the product's heart.
export * from './check/index.js';
export * from './explain/index.js';

// The numpy dialect interpreter: run a student's numpy lab code on tapegrad tensors, and check its
// tapegrad.verify lines (browser-safe).
export * from './numpy/index.js';
export { checkNumpy, checkJson, formatCheck, tapegradModule } from './numpy/check/index.js';
export { checkNumpyTraced, firstNonFinite, type TracedCheckResult, type ForwardTrace, type ThreeWay } from './numpy/check/trace.js';
export type {
  CheckNumpyOptions, CheckResult, CheckError, CheckSink, VerifyCheck, ParamVerdict, WrongLine, Convention,
} from './numpy/check/index.js';
