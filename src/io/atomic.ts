/** Crash-safe file writes: the data goes to a temporary file in the same folder, is flushed, then renamed over the target. */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
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
  syncDirectory(dirname(path));
}

/** Flushes a folder's entries, so a rename survives a power cut (not just a crash of the process). */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // Some platforms cannot open a folder; the rename is still atomic there.
  }
  try {
    fsyncSync(fd);
  } catch {
    // Not every file system supports fsync on a folder (EINVAL): nothing more can be done.
  } finally {
    closeSync(fd);
  }
}

const TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own writes are synchronous: none is in flight now
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that {@link writeFileAtomic} leaves in `dir` when its process is
 * killed mid-write (`kill -9`, a power cut), skipping those of processes still running.
 *
 * @returns the names of the files removed.
 * @example
 * ```ts
 * removeStaleTemps('runs/seed000'); // ['.checkpoint.json.4242.0.tmp'] after a killed run
 * ```
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = TEMP.exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
