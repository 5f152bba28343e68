/** Every op as a method too (`a.add(b)`, `x.T`), plus backward/tape on Tensor itself. */
import type { DType } from '../dtype.js';
import type { BackwardOptions } from '../engine/backward.js';
import { backward } from '../engine/backward.js';
import type { TapeRecord } from '../engine/tape.js';
import { tape } from '../engine/tape.js';
import { Tensor } from '../tensor.js';
import type { List } from 'immutable';
import * as A from './arithmetic.js';
import * as Trig from './trig.js';
import { mseLoss } from './loss.js';
import { binaryCrossEntropyWithLogits } from './loss-bce.js';
import type { BceOptions } from './loss-bce.js';
import { matmul } from './matmul.js';
import { linear } from './linear.js';
import type { LinearActivation } from './linear.js';
import type { Operand } from './operand.js';
import type { Axis } from './reduce.js';
import { max, mean, sum } from './reduce.js';
import { broadcastTo, cast, reshape, transpose } from './shape-ops.js';
import type { CrossEntropyOptions } from './softmax.js';
import { logSoftmax, softmax, softmaxCrossEntropy } from './softmax.js';
import type { ClassLabels } from './labels.js';
import * as U from './unary.js';
import type { IndexItem } from './index-resolve.js';
import type { IndexLike } from './indices.js';
import * as I from './indexing.js';
import * as J from './join.js';
import * as M from './minmax.js';
import { dot, outer } from './products.js';
import * as R from './reduce-extra.js';
import type { VarianceOptions } from './reduce-extra.js';
import * as X from './unary-extra.js';
import type { MatmulOptions } from './matmul.js';

declare module '../tensor.js' {
  /** The op methods, added to Tensor's prototype below. */
  interface Tensor {
    /** Method form of {@link add}: element-wise sum, broadcasting. */
    add(b: Operand): Tensor;
    /** Method form of {@link sub}: element-wise difference, broadcasting. */
    sub(b: Operand): Tensor;
    /** Method form of {@link mul}: element-wise product, broadcasting. */
    mul(b: Operand): Tensor;
    /** Method form of {@link div}: element-wise quotient, broadcasting. */
    div(b: Operand): Tensor;
    /** Method form of {@link pow}: element-wise power (a number or a tensor exponent). */
    pow(e: Operand): Tensor;
    /** Method form of {@link neg}. */
    neg(): Tensor;
    /** Method form of {@link exp}. */
    exp(): Tensor;
    /** Method form of {@link log}: natural logarithm. */
    log(): Tensor;
    /** Method form of {@link sqrt}. */
    sqrt(): Tensor;
    /** Method form of {@link abs}. */
    abs(): Tensor;
    /** Method form of {@link tanh}. */
    tanh(): Tensor;
    /** Method form of {@link sigmoid}. */
    sigmoid(): Tensor;
    /** Method form of {@link relu}. */
    relu(): Tensor;
    /** Method form of {@link matmul}: numpy's matmul rules (1-d operands, batches on both sides). */
    matmul(b: Tensor, options?: MatmulOptions): Tensor;
    /** Method form of {@link linear}: act(this·w + b) as one fused op. */
    linear(w: Tensor, b: Tensor, activation?: LinearActivation): Tensor;
    /** Method form of {@link sum}: over `axis` (all when omitted). */
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link mean}: over `axis` (all when omitted). */
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link max}: over `axis` (all when omitted). */
    max(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link transpose}: permute axes (reverse them by default). */
    transpose(axes?: readonly number[]): Tensor;
    /** The transpose (axes reversed). */
    readonly T: Tensor;
    /** Method form of {@link reshape} (one -1 allowed). */
    reshape(shape: readonly number[]): Tensor;
    /** Method form of {@link broadcastTo}. */
    broadcastTo(shape: readonly number[]): Tensor;
    /** Method form of {@link cast}: the values in another dtype. */
    cast(dtype: DType): Tensor;
    /** Method form of {@link softmax} along `axis` (default last). */
    softmax(axis?: number): Tensor;
    /** Method form of {@link logSoftmax} along `axis` (default last). */
    logSoftmax(axis?: number): Tensor;
    /** Method form of {@link softmaxCrossEntropy}: these are the logits. */
    softmaxCrossEntropy(target: Tensor | ClassLabels, options?: CrossEntropyOptions): Tensor;
    /** Method form of {@link mseLoss}: this is the prediction. */
    mseLoss(target: Tensor, options?: { reduction?: 'mean' | 'sum' | 'none' }): Tensor;
    /** numpy's `a[i, j, ...]`: {@link getItem} with the items as arguments (`x.at(0, ':', null)`). */
    at(...items: IndexItem[]): Tensor;
    /** Method form of {@link getItem}: numpy's `a[items]`. */
    getItem(items: readonly IndexItem[] | IndexItem): Tensor;
    /** Method form of {@link setItem}: numpy's `a[items] = value`, returning a new tensor. */
    setItem(items: readonly IndexItem[] | IndexItem, value: Operand): Tensor;
    /** Method form of {@link addAt}: numpy's `np.add.at(a, items, value)`, returning a new tensor. */
    addAt(items: readonly IndexItem[] | IndexItem, value: Operand): Tensor;
    /** Method form of {@link take}: entries at `indices` along `axis` (flattened without one). */
    take(indices: IndexLike, axis?: number): Tensor;
    /** Method form of {@link gather}: numpy's take_along_axis. */
    gather(indices: IndexLike, axis: number): Tensor;
    /** Method form of {@link squeeze}: drop size-1 axes. */
    squeeze(axis?: number | readonly number[]): Tensor;
    /** Method form of {@link expandDims}: insert size-1 axes. */
    expandDims(axis: number | readonly number[]): Tensor;
    /** Method form of {@link flatten}: the values as a 1-d tensor. */
    flatten(): Tensor;
    /** Method form of {@link binaryCrossEntropyWithLogits}: these are the logits. */
    binaryCrossEntropyWithLogits(targets: Tensor, options?: BceOptions): Tensor;
    /** Method form of {@link square}: x². */
    square(): Tensor;
    /** Method form of {@link cosh}. */
    cosh(): Tensor;
    /** Method form of {@link sin}. */
    sin(): Tensor;
    /** Method form of {@link cos}. */
    cos(): Tensor;
    /** Method form of {@link tan}. */
    tan(): Tensor;
    /** Method form of {@link arcsin}. */
    arcsin(): Tensor;
    /** Method form of {@link arccos}. */
    arccos(): Tensor;
    /** Method form of {@link arctan}. */
    arctan(): Tensor;
    /** Method form of {@link floor} (never recorded: gradient 0). */
    floor(): Tensor;
    /** Method form of {@link ceil} (never recorded: gradient 0). */
    ceil(): Tensor;
    /** Method form of {@link sinh}. */
    sinh(): Tensor;
    /** Method form of {@link log1p}: log(1 + x). */
    log1p(): Tensor;
    /** Method form of {@link expm1}: eˣ − 1. */
    expm1(): Tensor;
    /** Method form of {@link softplus}: log(1 + eˣ), stable. */
    softplus(): Tensor;
    /** Method form of {@link leakyRelu} (slope 0.01 by default). */
    leakyRelu(slope?: number): Tensor;
    /** Method form of {@link elu} (α = 1 by default). */
    elu(alpha?: number): Tensor;
    /** Method form of {@link maximum}: element-wise max, broadcasting. */
    maximum(b: Operand): Tensor;
    /** Method form of {@link minimum}: element-wise min, broadcasting. */
    minimum(b: Operand): Tensor;
    /** Method form of {@link clip}: limit to [min, max]. */
    clip(min?: Operand | null, max?: Operand | null): Tensor;
    /** Method form of {@link clamp} (the same op as clip). */
    clamp(min?: Operand | null, max?: Operand | null): Tensor;
    /** Method form of {@link min}: over `axis` (all when omitted). */
    min(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link argmax}: flattened when `axis` is omitted. */
    argmax(axis?: number, keepDims?: boolean): Tensor;
    /** Method form of {@link argmin}: flattened when `axis` is omitted. */
    argmin(axis?: number, keepDims?: boolean): Tensor;
    /** Method form of {@link variance} (correction 0 by default, like numpy). */
    var(axis?: Axis, options?: VarianceOptions): Tensor;
    /** Method form of {@link std} (correction 0 by default, like numpy). */
    std(axis?: Axis, options?: VarianceOptions): Tensor;
    /** Method form of {@link logSumExp}. */
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link norm}: L2 / Frobenius. */
    norm(axis?: Axis, keepDims?: boolean): Tensor;
    /** Method form of {@link dot}: numpy's dot. */
    dot(b: Tensor): Tensor;
    /** Method form of {@link outer}: the outer product of 1-d tensors. */
    outer(b: Tensor): Tensor;
    /**
     * Reverse mode: accumulates d(this)/d(leaf) into `.grad` of every leaf with requiresGrad.
     * A non-scalar tensor needs `gradient` of its own shape.
     */
    backward(gradient?: Tensor, options?: BackwardOptions): void;
    /** The ordered, immutable list of the op records that produced this tensor. */
    tape(): List<TapeRecord>;
  }
}

const P = Tensor.prototype;
P.add = function (b) { return A.add(this, b); };
P.sub = function (b) { return A.sub(this, b); };
P.mul = function (b) { return A.mul(this, b); };
P.div = function (b) { return A.div(this, b); };
P.pow = function (e) { return A.pow(this, e); };
P.neg = function () { return U.neg(this); };
P.exp = function () { return U.exp(this); };
P.log = function () { return U.log(this); };
P.sqrt = function () { return U.sqrt(this); };
P.abs = function () { return U.abs(this); };
P.tanh = function () { return U.tanh(this); };
P.sigmoid = function () { return U.sigmoid(this); };
P.relu = function () { return U.relu(this); };
P.matmul = function (b, options) { return matmul(this, b, options); };
P.linear = function (w, b, activation) { return linear(this, w, b, activation); };
P.sum = function (axis, keepDims) { return sum(this, axis, keepDims); };
P.mean = function (axis, keepDims) { return mean(this, axis, keepDims); };
P.max = function (axis, keepDims) { return max(this, axis, keepDims); };
P.transpose = function (axes) { return transpose(this, axes); };
Object.defineProperty(P, 'T', { get(this: Tensor) { return transpose(this); }, configurable: true });
P.reshape = function (shape) { return reshape(this, shape); };
P.broadcastTo = function (shape) { return broadcastTo(this, shape); };
P.cast = function (dtype) { return cast(this, dtype); };
P.softmax = function (axis) { return softmax(this, axis); };
P.logSoftmax = function (axis) { return logSoftmax(this, axis); };
P.softmaxCrossEntropy = function (target, options) { return softmaxCrossEntropy(this, target, options); };
P.mseLoss = function (target, options) { return mseLoss(this, target, options); };
P.at = function (...items) { return I.getItem(this, items); };
P.getItem = function (items) { return I.getItem(this, items); };
P.setItem = function (items, value) { return I.setItem(this, items, value); };
P.addAt = function (items, value) { return I.addAt(this, items, value); };
P.take = function (indices, axis) { return I.take(this, indices, axis); };
P.gather = function (indices, axis) { return I.gather(this, indices, axis); };
P.squeeze = function (axis) { return J.squeeze(this, axis); };
P.expandDims = function (axis) { return J.expandDims(this, axis); };
P.flatten = function () { return J.flatten(this); };
P.binaryCrossEntropyWithLogits = function (targets, options) { return binaryCrossEntropyWithLogits(this, targets, options); };
P.square = function () { return X.square(this); };
P.cosh = function () { return X.cosh(this); };
P.sin = function () { return Trig.sin(this); };
P.cos = function () { return Trig.cos(this); };
P.tan = function () { return Trig.tan(this); };
P.arcsin = function () { return Trig.arcsin(this); };
P.arccos = function () { return Trig.arccos(this); };
P.arctan = function () { return Trig.arctan(this); };
P.floor = function () { return Trig.floor(this); };
P.ceil = function () { return Trig.ceil(this); };
P.sinh = function () { return X.sinh(this); };
P.log1p = function () { return X.log1p(this); };
P.expm1 = function () { return X.expm1(this); };
P.softplus = function () { return X.softplus(this); };
P.leakyRelu = function (slope) { return X.leakyRelu(this, slope); };
P.elu = function (alpha) { return X.elu(this, alpha); };
P.maximum = function (b) { return M.maximum(this, b); };
P.minimum = function (b) { return M.minimum(this, b); };
P.clip = function (lo, hi) { return M.clip(this, lo, hi); };
P.clamp = function (lo, hi) { return M.clamp(this, lo, hi); };
P.min = function (axis, keepDims) { return R.min(this, axis, keepDims); };
P.argmax = function (axis, keepDims) { return R.argmax(this, axis, keepDims); };
P.argmin = function (axis, keepDims) { return R.argmin(this, axis, keepDims); };
P.var = function (axis, options) { return R.variance(this, axis, options); };
P.std = function (axis, options) { return R.std(this, axis, options); };
P.logSumExp = function (axis, keepDims) { return R.logSumExp(this, axis, keepDims); };
P.norm = function (axis, keepDims) { return R.norm(this, axis, keepDims); };
P.dot = function (b) { return dot(this, b); };
P.outer = function (b) { return outer(this, b); };
P.backward = function (gradient, options) { backward(this, gradient, options); };
P.tape = function () { return tape(this); };
