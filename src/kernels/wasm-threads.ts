/**
 * The worker threads that share a large wasm product with the calling thread: WebAssembly threads
 * (one shared memory, one compiled module instantiated once per thread) on Node's worker_threads or a
 * browser's Web Workers, used where shared memory is allowed (Node; a browser page or worker that is
 * `crossOriginIsolated`). A product is cut into parts (blocks of rows of C, or of columns when C has
 * few rows) that the threads claim one by one from a shared counter, so a worker that is slow to
 * wake, or not started yet, only means the caller computes more parts itself: nothing ever waits for
 * a worker that has not claimed anything, and the caller alone is always a correct fallback.
 */

/** The exports of the threaded build that this file calls (the rest are in src/kernels/wasm.ts). */
export interface PartExports {
  gemm32Part(tA: number, tB: number, M: number, N: number, K: number, A: number, B: number, C: number, work: number,
    i0: number, i1: number, j0: number, j1: number): void;
  gemm64Part(tA: number, tB: number, M: number, N: number, K: number, A: number, B: number, C: number, work: number,
    i0: number, i1: number, j0: number, j1: number): void;
}

/** A product's pointers and sizes, as the kernels take them (byte offsets into the shared memory). */
export interface PartJob {
  single: boolean; transA: boolean; transB: boolean; M: number; N: number; K: number;
  A: number; B: number; C: number;
  /** The caller's work area; thread t uses `work + t·workBytes`. */
  work: number; workBytes: number;
}

/** The running pool: `threads` counts the caller too. */
export interface WasmThreadPool {
  /** Threads that share a product: the caller plus the workers started (a worker that failed is not counted). */
  threads(): number;
  /** Workers that have instantiated the module and wait for work (they start within ~50 ms). */
  ready(): number;
  /** Parts of products the workers (not the caller) have computed so far. */
  workerParts(): number;
  /**
   * Whether to share an M×N×K product now (false when the contention guard says the workers do not
   * pay at this size at the moment: the caller then computes it alone). When true it has woken the
   * workers already, so call it before copying the operands in: the wake-up overlaps the copy.
   */
  begin(M: number, N: number, K: number): boolean;
  /** Computes the whole product, split into parts, after begin() said yes; returns when every part is done. */
  run(job: PartJob): void;
  /** Products the contention guard has kept on the caller alone so far. */
  soloCalls(): number;
}

/** Int32 slots of the control block (at byte `control` in the shared memory, 32 slots). */
const CLAIM = 0; // generation << 8 | parts not yet claimed: one word, so a claim can never mix two products
const DONE = 1; // parts finished in this generation
const WAKE = 2; // bumped (and notified) when a product is posted
const READY = 3; // workers that are up
const WORKER_PARTS = 4; // parts the workers have computed since the start (tests check that they do)
const P = 8; // the product: kind, tA, tB, M, N, K, A, B, C, work, workBytes, parts, byRows
export const CONTROL_BYTES = 128;

/** Most parts a product is cut into (the CLAIM word keeps the count in 8 bits). */
const MAX_PARTS = 64;

// After its last part, or after the early wake-up the caller sends before it copies the operands
// in, a worker polls WAKE for HOT_MS, then naps in NAP_MS Atomics.waits until AWAKE_MS, then sleeps
// until notified. Waking a sleeping thread is slow on a VM whose idle vCPU was halted (tens to
// hundreds of µs, as long as a mid-sized product), so the products of a training step, a few hundred
// µs apart, find it awake; the naps give the core away (a pure spin would take it from the caller's
// own work when other processes hold the other core); an idle pool costs nothing after a millisecond.
const HOT_MS = 0.05;
const NAP_MS = 0.05;
const AWAKE_MS = 1;

/**
 * The worker's whole program (a classic script: no imports, so it runs from a Blob URL in a browser and
 * from `eval` in Node). Its claim loop is the same as {@link claimParts} below.
 */
const WORKER_SOURCE = `
'use strict';
function serve(module, memory, control, index) {
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, control, 32);
  Atomics.add(ctl, ${READY}, 1);
  let wake = Atomics.load(ctl, ${WAKE});
  for (;;) {
    for (;;) {
      const cur = Atomics.load(ctl, ${CLAIM});
      const left = cur & 255;
      if (left === 0) break;
      const kind = ctl[${P}], tA = ctl[${P + 1}], tB = ctl[${P + 2}], M = ctl[${P + 3}], N = ctl[${P + 4}], K = ctl[${P + 5}];
      const A = ctl[${P + 6}], B = ctl[${P + 7}], C = ctl[${P + 8}], work = ctl[${P + 9}] + index * ctl[${P + 10}];
      const parts = ctl[${P + 11}], byRows = ctl[${P + 12}];
      if (Atomics.compareExchange(ctl, ${CLAIM}, cur, cur - 1) !== cur) continue;
      const p = parts - left, extent = byRows ? M : N, tile = byRows ? 4 : 8;
      const lo = Math.min(extent, Math.round((p * extent) / parts / tile) * tile);
      const hi = p + 1 === parts ? extent : Math.min(extent, Math.round(((p + 1) * extent) / parts / tile) * tile);
      const i0 = byRows ? lo : 0, i1 = byRows ? hi : M, j0 = byRows ? 0 : lo, j1 = byRows ? N : hi;
      (kind === 0 ? ex.gemm32Part : ex.gemm64Part)(tA, tB, M, N, K, A, B, C, work, i0, i1, j0, j1);
      Atomics.add(ctl, ${WORKER_PARTS}, 1);
      Atomics.add(ctl, ${DONE}, 1);
      Atomics.notify(ctl, ${DONE});
    }
    const start = performance.now();
    for (let spins = 1; Atomics.load(ctl, ${WAKE}) === wake; spins++) {
      if ((spins & 255) !== 0) continue;
      const t = performance.now() - start;
      if (t < ${HOT_MS}) continue;
      if (t > ${AWAKE_MS}) {
        Atomics.wait(ctl, ${WAKE}, wake);
        break;
      }
      Atomics.wait(ctl, ${WAKE}, wake, ${NAP_MS});
    }
    wake = Atomics.load(ctl, ${WAKE});
  }
}
`;

const NODE_WORKER = `${WORKER_SOURCE}
const { workerData } = require('node:worker_threads');
serve(workerData.module, workerData.memory, workerData.control, workerData.index);
`;

const BROWSER_WORKER = `${WORKER_SOURCE}
self.onmessage = (e) => serve(e.data.module, e.data.memory, e.data.control, e.data.index);
`;

interface NodeWorker { unref(): void; on(event: 'error' | 'exit', listener: (arg: unknown) => void): void }
type NodeWorkerClass = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
interface NodeProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** Starts one worker; `failed` is called if it cannot start or dies. Throws when no worker API exists. */
function spawn(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, index: number, failed: () => void): void {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  if (proc?.versions?.node) {
    const wt = proc.getBuiltinModule?.('node:worker_threads') as { Worker: NodeWorkerClass } | undefined;
    if (!wt) throw new Error('node:worker_threads is not reachable synchronously (Node < 20.16)');
    const worker = new wt.Worker(NODE_WORKER, { eval: true, workerData: { module, memory, control, index } });
    // The pool must never keep a process alive: Node ends these threads when the main one is done.
    worker.unref();
    worker.on('error', failed);
    return;
  }
  const W = (globalThis as { Worker?: new (url: string) => { postMessage(m: unknown): void; onerror: unknown } }).Worker;
  if (typeof W !== 'function' || typeof URL.createObjectURL !== 'function') throw new Error('no Worker in this context');
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
  const worker = new W(url);
  worker.onerror = failed;
  worker.postMessage({ module, memory, control, index });
}

/** True when this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, READY, -1, 0); // value differs: returns at once where blocking is allowed
    return true;
  } catch {
    return false;
  }
}

/**
 * How a product is cut: by rows of C (part boundaries on multiples of 4, the kernels' row tile) when
 * C has enough rows, else by columns (multiples of 8, the f32 column tile and two f64 ones), into
 * parts that the threads claim one at a time.
 */
export function partition(M: number, N: number, K: number, threads: number): { parts: number; byRows: boolean } {
  const byRows = M >= 8 * threads || M >= N;
  const tiles = Math.ceil((byRows ? M : N) / (byRows ? 4 : 8));
  // About 1 M multiply-adds a part (≥ 2 per thread, ≤ 16): parts re-read or re-pack the other operand, so
  // not too many; but enough that a thread slowed by another process leaves its share to the others.
  const want = Math.max(2 * threads, Math.min(16, Math.round((M * N * K) / (1 << 20))));
  return { parts: Math.max(1, Math.min(MAX_PARTS, want, tiles)), byRows };
}

/** Part p of `parts` over [0, extent): boundaries rounded to multiples of `tile` (the worker computes the same). */
export function partBounds(p: number, parts: number, extent: number, tile: number): [number, number] {
  const lo = Math.min(extent, Math.round((p * extent) / parts / tile) * tile);
  const hi = p + 1 === parts ? extent : Math.min(extent, Math.round(((p + 1) * extent) / parts / tile) * tile);
  return [lo, hi];
}

/**
 * Starts `threads − 1` workers on `memory` (shared) running `module` (the threaded build), with
 * the control block at byte `control`. The caller's own instance is `ex`.
 */
export function startThreadPool(module: WebAssembly.Module, memory: WebAssembly.Memory, ex: PartExports, control: number, threads: number): WasmThreadPool {
  const ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const blocking = canBlock(ctl);
  let workers = 0;
  for (let index = 1; index < threads; index++) {
    try {
      spawn(module, memory, control, index, () => { workers = Math.max(0, workers - 1); });
      workers++;
    } catch {
      break;
    }
  }
  let generation = 0;
  // Contention guard (as the native addon's, native/addon.cc): each shared product measures what the
  // workers saved — the time their parts would have cost the caller, minus the time the caller then
  // waited for them — as a share of the call; a running average per size class (powers of two of
  // M·N·K) decides. Only workers that are descheduled (other processes on the cores) make it small, so
  // a quiet machine stays threaded. While it is below 0.1 products run on the caller alone, and every
  // 16th tries the workers again (weight 1/2: one good try brings them back).
  const gain = new Float64Array(64).fill(1);
  const calls = new Float64Array(64);
  let solo = 0;

  let explore = false;

  function begin(M: number, N: number, K: number): boolean {
    if (workers === 0) return false;
    const size = Math.min(63, Math.floor(Math.log2(M * N * K)));
    explore = ++calls[size]! % 16 === 0;
    if (gain[size]! < 0.1 && !explore) {
      solo++;
      return false;
    }
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE);
    return true;
  }

  function run(job: PartJob): void {
    const size = Math.min(63, Math.floor(Math.log2(job.M * job.N * job.K)));
    const { parts, byRows } = partition(job.M, job.N, job.K, 1 + workers);
    const kind = job.single ? 0 : 1;
    const params = [kind, job.transA ? 1 : 0, job.transB ? 1 : 0, job.M, job.N, job.K, job.A, job.B, job.C,
      job.work, job.workBytes, parts, byRows ? 1 : 0];
    Atomics.store(ctl, DONE, 0);
    for (let i = 0; i < params.length; i++) ctl[P + i] = params[i]!;
    generation = (generation + 1) & 0xffffff;
    // Publishing the claim word last: a worker reads the parameters only after it sees this generation.
    Atomics.store(ctl, CLAIM, (generation << 8) | parts);
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE);
    const t0 = performance.now();
    const own = claimParts(ctl, ex, job, parts, byRows);
    const t1 = performance.now();
    // Every part is claimed: wait for those the workers are still computing, polling for HOT_MS, then
    // napping where this thread may block (a browser's main thread may not: it keeps polling).
    for (let done = Atomics.load(ctl, DONE), spins = 1; done < parts; done = Atomics.load(ctl, DONE), spins++) {
      if (blocking && (spins & 255) === 0 && performance.now() - t1 > HOT_MS) Atomics.wait(ctl, DONE, done, NAP_MS);
    }
    const t2 = performance.now();
    if (t2 > t0) {
      const saved = ((parts - own) * (t1 - t0)) / Math.max(1, own) - (t2 - t1);
      const w = explore ? 0.5 : 0.25;
      gain[size] = (1 - w) * gain[size]! + (w * saved) / (t2 - t0);
    }
  }

  return {
    threads: () => 1 + workers,
    ready: () => Atomics.load(ctl, READY),
    workerParts: () => Atomics.load(ctl, WORKER_PARTS),
    soloCalls: () => solo,
    begin,
    run,
  };
}

/** The caller's claim loop (the workers run the same one in {@link WORKER_SOURCE}), with work area 0. */
function claimParts(ctl: Int32Array, ex: PartExports, job: PartJob, parts: number, byRows: boolean): number {
  const part = job.single ? ex.gemm32Part : ex.gemm64Part;
  const tA = job.transA ? 1 : 0, tB = job.transB ? 1 : 0;
  let own = 0;
  for (;;) {
    const cur = Atomics.load(ctl, CLAIM);
    const left = cur & 255;
    if (left === 0) return own;
    if (Atomics.compareExchange(ctl, CLAIM, cur, cur - 1) !== cur) continue;
    const [lo, hi] = partBounds(parts - left, parts, byRows ? job.M : job.N, byRows ? 4 : 8);
    const i0 = byRows ? lo : 0, i1 = byRows ? hi : job.M, j0 = byRows ? 0 : lo, j1 = byRows ? job.N : hi;
    part(tA, tB, job.M, job.N, job.K, job.A, job.B, job.C, job.work, i0, i1, j0, j1);
    Atomics.add(ctl, DONE, 1);
    own++;
  }
}
