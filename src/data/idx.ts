/** A strict parser for the IDX format (the container of the MNIST files): header checked, data viewed without copying. */
import { show } from '../validate.js';

/** The parsed content of one IDX file of unsigned bytes. */
export interface IdxArray {
  /** Sizes of each dimension, from the header (e.g. [60000, 28, 28]). */
  readonly dims: readonly number[];
  /** The payload: one byte per element, row-major. */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parses an IDX buffer of unsigned bytes (type code 0x08), validating the magic number,
 * the header length and that the payload has exactly the size the header announces.
 *
 * @param buffer - the whole file's bytes.
 * @param fileName - used only in error messages, so a corrupt file is named.
 * @throws Error naming `fileName` and what is wrong (bad magic, truncated, trailing bytes).
 * @example
 * ```ts
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * parseIdx(bytes, 'labels').dims; // [2]
 * ```
 */
export function parseIdx(buffer: Uint8Array, fileName: string): IdxArray {
  if (!(buffer instanceof Uint8Array)) throw new Error(`parseIdx: ${fileName}: expected the file's bytes as a Uint8Array, got ${show(buffer)}`);
  if (buffer.length < 4) {
    throw new Error(`parseIdx: ${fileName} is truncated: ${buffer.length} bytes, too short for the 4-byte magic number`);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const zero = view.getUint16(0);
  const type = buffer[2]!;
  const ndim = buffer[3]!;
  if (zero !== 0 || type !== UNSIGNED_BYTE || ndim === 0) {
    const magic = view.getUint32(0).toString(16).padStart(8, '0');
    throw new Error(
      `parseIdx: ${fileName} has bad magic number 0x${magic} ` +
      '(expected 0x000008NN: two zero bytes, type 0x08 = unsigned byte, NN ≥ 1 dimensions)',
    );
  }
  const headerSize = 4 + 4 * ndim;
  if (buffer.length < headerSize) {
    throw new Error(`parseIdx: ${fileName} is truncated: ${buffer.length} bytes, header of ${ndim} dimensions needs ${headerSize}`);
  }
  const dims: number[] = [];
  let expected = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getUint32(4 + 4 * d);
    dims.push(size);
    expected *= size;
  }
  const actual = buffer.length - headerSize;
  if (actual < expected) {
    throw new Error(
      `parseIdx: ${fileName} is truncated: header says [${dims.join(',')}] = ${expected} bytes of data, file has ${actual}`,
    );
  }
  if (actual > expected) {
    throw new Error(
      `parseIdx: ${fileName} is corrupt: header says [${dims.join(',')}] = ${expected} bytes of data, file has ${actual} (${actual - expected} extra)`,
    );
  }
  return { dims, data: buffer.subarray(headerSize) };
}

/**
 * Builds an IDX buffer of unsigned bytes; the inverse of {@link parseIdx}, used for tests and small fixtures.
 *
 * @example
 * ```ts
 * const bytes = encodeIdx([2], new Uint8Array([7, 3]));
 * parseIdx(bytes, 'x').data; // Uint8Array [7, 3]
 * ```
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32)) {
    throw new Error(`encodeIdx: dims must be 1 or more sizes (integers in [0, 2³²)), got ${show(dims)}`);
  }
  const size = dims.reduce((p, d) => p * d, 1);
  if (!(data instanceof Uint8Array) || data.length !== size) {
    throw new Error(`encodeIdx: dims [${dims.join(',')}] need ${size} bytes, got ${data instanceof Uint8Array ? data.length : show(data)}`);
  }
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
