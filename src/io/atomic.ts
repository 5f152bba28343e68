/** Crash-safe file writes: the data goes to a temporary file in the same folder, is flushed, then renamed over the target. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Test hook: simulate a failure (a crash, a full disk) after this many bytes of the temporary file are written. */
export interface WriteFaults {
  failAfterBytes?: number;
}

let counter = 0;

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a
 * half-written file: an interrupted write leaves the previous file untouched (rename is atomic on POSIX).
 *
 * @example
 * ```ts
 * writeFileAtomic('runs/x/checkpoint.json', JSON.stringify(state));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, faults: WriteFaults = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const limit = faults.failAfterBytes;
    if (limit !== undefined && limit < bytes.length) {
      writeSync(fd, bytes, 0, limit);
      throw new Error(`writeFileAtomic: simulated failure after ${limit} of ${bytes.length} bytes of ${path}`);
    }
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
