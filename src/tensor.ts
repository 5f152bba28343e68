/** The Tensor: a contiguous row-major typed array, its shape, and its place on the tape. */
import type { DType, FloatArray } from './dtype.js';
import { dtypeOf } from './dtype.js';
import type { Shape } from './shape.js';
import { formatShape, shapeSize } from './shape.js';
import type { TapeNode } from './engine/node.js';
import { show } from './validate.js';
import { recordingAtTop } from './engine/trace-hooks.js';

/** A value read while a step is traced by compile: the replay could not follow a branch on it. */
function refuseRead(what: string): void {
  recordingAtTop()?.refuse(`reads a tensor's values with ${what}`);
}

/** A number, or arrays of numbers nested as deep as the tensor has axes. */
export type NestedArray = number | NestedArray[];

let nextId = 0;

function fits(length: number, shape: Shape): boolean {
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) return false;
    size *= d;
  }
  return size === length;
}

function badTensor(storage: unknown, shape: unknown): never {
  if (!(storage instanceof Float64Array || storage instanceof Float32Array)) {
    throw new Error(`Tensor: storage must be a Float64Array or a Float32Array, got ${show(storage)} (tensor() converts arrays)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`Tensor: invalid shape ${show(shape)} (expected an array of non-negative integers)`);
  }
  throw new Error(`Tensor: shape ${formatShape(shape)} needs ${shapeSize(shape)} values but the storage has ${storage.length}`);
}

/**
 * An n-dimensional array of float64 (default) or float32 numbers that records the ops applied to it.
 * Create tensors with {@link tensor}, {@link zeros}, {@link randn} and friends; every op of the API is
 * both a function (`add(a, b)`) and a method (`a.add(b)`).
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** A process-unique number, used to name unnamed tensors in pictures and reports. */
  readonly id: number = nextId++;
  /**
   * The live buffer (no copy). Treat it as read-only: only optimizers write into a leaf
   * parameter's storage, outside any recorded computation, and then call
   * {@link Tensor.markModified}. {@link Tensor.data} returns a copy.
   */
  readonly storage: FloatArray;
  readonly shape: Shape;
  readonly size: number;
  /** The gradient accumulated by `backward()`; null until then or after `zeroGrad()`. */
  grad: Tensor | null = null;
  name: string | undefined = undefined;
  /** The record of the op that produced this tensor; null for leaves (inputs, parameters). */
  node: TapeNode | null = null;
  private tracked = false;
  /**
   * @internal The version counter, shared with every view of the same buffer (reshape, detach);
   * null until a view is taken or the buffer is marked modified (so fresh tensors allocate none).
   */
  versionCell: { value: number } | null = null;

  constructor(storage: FloatArray, shape: Shape) {
    // One cheap loop (every op makes a tensor): the shape must be whole sizes that fit the buffer.
    if (!(storage instanceof Float64Array || storage instanceof Float32Array) || !Array.isArray(shape) || !fits(storage.length, shape)) {
      badTensor(storage, shape);
    }
    this.storage = storage;
    this.shape = shape;
    this.size = storage.length;
  }

  get dtype(): DType {
    return dtypeOf(this.storage);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Whether gradients flow to (leaf) or through (recorded result) this tensor. */
  get requiresGrad(): boolean {
    return this.tracked;
  }

  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw new Error(`requiresGrad: must be set to true or false, got ${show(value)}`);
    if (this.node !== null && !value) {
      throw new Error(
        `requiresGrad: cannot turn off gradients of a recorded result (op '${this.node.op}'); use detach()`,
      );
    }
    this.tracked = value;
  }

  /** @internal Called by the engine when a recorded op produced this tensor. */
  attachNode(node: TapeNode): void {
    this.node = node;
    this.tracked = true;
  }

  /**
   * How many times the buffer was marked modified in place ({@link Tensor.markModified}); shared
   * with views. Backward compares it with the version each op saw, as PyTorch's `_version`.
   */
  get version(): number {
    return this.versionCell === null ? 0 : this.versionCell.value;
  }

  /**
   * Declares that `storage` was written in place (an optimizer step, a checkpoint load, your own
   * loop): bumps the version shared with views, so a later backward through an op recorded before
   * the write throws instead of returning gradients of values that are gone. Returns this.
   * @example
   * const w = tensor([1, 2], { requiresGrad: true, name: 'w' });
   * const loss = w.mul(w).sum();
   * w.storage[0] = 5;
   * w.markModified();
   * w.version; // 1; loss.backward() now throws "... w is at version 1; expected version 0 (saved by mul)"
   */
  markModified(): this {
    const recorder = recordingAtTop();
    if (recorder !== null) recorder.effect(() => this.bumpVersion(), []);
    else this.bumpVersion();
    return this;
  }

  private bumpVersion(): void {
    if (this.versionCell === null) this.versionCell = { value: 0 };
    this.versionCell.value++;
  }

  /** @internal Makes `view`, which shares this tensor's buffer, share its version counter too. */
  shareVersion(view: Tensor): Tensor {
    if (this.versionCell === null) this.versionCell = { value: 0 };
    view.versionCell = this.versionCell;
    return view;
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** A copy of the values as a flat typed array, never a live view into the tape. */
  data(): FloatArray {
    refuseRead('data()');
    return this.storage.slice();
  }

  /** The value of a one-element tensor. */
  item(): number {
    refuseRead('item()');
    if (this.size !== 1) {
      throw new Error(`item: only a one-element tensor has an item, this one has shape ${formatShape(this.shape)}`);
    }
    return this.storage[0]!;
  }

  /** The values as nested arrays with exactly the tensor's shape (a number for 0-d). */
  toArray(): NestedArray {
    refuseRead('toArray()');
    const { storage, shape } = this;
    if (shape.length === 0) return storage[0]!;
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[axis]!;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === shape.length - 1 ? storage[offset + i]! : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, shapeSize(shape));
  }

  /** Resets `.grad` to null (a new gradient is never written into the old one). */
  zeroGrad(): void {
    const recorder = recordingAtTop();
    if (recorder !== null) recorder.effect(() => { this.grad = null; }, [], this);
    else this.grad = null;
  }

  /** The same values, cut from the tape: a new leaf sharing storage (and version), with requiresGrad false. */
  detach(): Tensor {
    return this.shareVersion(new Tensor(this.storage, this.shape));
  }

  /** A one-line description: name, shape, dtype and (up to 64) values. */
  toString(): string {
    const label = this.name === undefined ? 'Tensor' : `Tensor '${this.name}'`;
    const body = this.size <= 64 ? JSON.stringify(this.toArray()) : `${this.size} values`;
    return `${label}${formatShape(this.shape)} ${this.dtype} ${body}`;
  }
}
