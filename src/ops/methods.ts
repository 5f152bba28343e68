/** Every op as a method too (`a.add(b)`, `x.T`), plus backward/tape on Tensor itself. */
import type { DType } from '../dtype.js';
import type { BackwardOptions } from '../engine/backward.js';
import { backward } from '../engine/backward.js';
import type { TapeRecord } from '../engine/tape.js';
import { tape } from '../engine/tape.js';
import { Tensor } from '../tensor.js';
import type { List } from 'immutable';
import * as A from './arithmetic.js';
import { mseLoss } from './loss.js';
import { matmul } from './matmul.js';
import type { Operand } from './operand.js';
import type { Axis } from './reduce.js';
import { max, mean, sum } from './reduce.js';
import { broadcastTo, cast, reshape, transpose } from './shape-ops.js';
import type { CrossEntropyOptions } from './softmax.js';
import { logSoftmax, softmax, softmaxCrossEntropy } from './softmax.js';
import type { ClassLabels } from './labels.js';
import * as U from './unary.js';

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
    /** Method form of {@link matmul}: `[m,k]@[k,n]` or batched `[...,m,k]@[k,n]`. */
    matmul(b: Tensor): Tensor;
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
    mseLoss(target: Tensor, options?: { reduction?: 'mean' | 'sum' }): Tensor;
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
P.matmul = function (b) { return matmul(this, b); };
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
P.backward = function (gradient, options) { backward(this, gradient, options); };
P.tape = function () { return tape(this); };
