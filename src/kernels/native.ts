/**
 * Loads the native GEMM addon when running in Node and installs it behind `gemm` for the products
 * large enough to pay for the call. The fallback chain is native → wasm → TypeScript: the addon is
 * found by `node-gyp-build` (a local `build/Release` first, else the prebuilt binary a packed
 * tapegrad ships in `prebuilds/`, so no install script is needed); browsers, `TAPEGRAD_NATIVE=0` and a
 * missing addon get the WebAssembly SIMD kernels (src/kernels/wasm.ts), and an engine without wasm SIMD
 * keeps the TypeScript kernels. {@link kernelInfo} says which kernels run and why.
 */
import { expectOptions } from '../validate.js';
import type { FloatArray } from '../dtype.js';
import { gemmReference, setGemmKernel, type GemmKernel } from './gemm.js';
import { gemmJs } from './gemm-js.js';
import { referenceUpdates, setUpdateKernels, type UpdateKernels } from './update.js';
import { referenceRows, setRowKernels, type RowActivation, type RowKernels } from './rows.js';
import { setFloat32Unary, setFloat64Unary, type FastUnaryName, type Float32Unary } from './elementwise.js';
import { loadWasmKernels, WASM_F64_ACTIVATION_MIN, WASM_PARALLEL_WORK, WASM_SMALL_WORK, type WasmKernels } from './wasm.js';

/** The surface of build/Release/tapegrad.node (see native/addon.cc). */
interface Addon {
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: FloatArray, B: FloatArray, C: FloatArray): void;
  info(): NativeState;
  configure(options: NativeOptions): NativeState;
  sgd(w: FloatArray, g: FloatArray, lr: number): void;
  momentum(w: FloatArray, g: FloatArray, v: Float64Array, lr: number, mom: number): void;
  adam(w: FloatArray, g: FloatArray, m: Float64Array, v: Float64Array,
    lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
  /**
   * out[i] = f(x[i]), kind 0 exp, 1 tanh, 2 sigmoid: Float32Arrays within 1 float32 ulp of Math.*
   * (native/activation.inc), Float64Arrays exactly Math.* (native/activation64_*.cc; `portable`
   * runs the portable unit instead of AVX2, for the tests).
   */
  activation(kind: number, x: Float32Array, out: Float32Array): void;
  activation(kind: number, x: Float64Array, out: Float64Array, portable?: boolean): void;
  /** A dense layer's row glue (native/update.inc, src/kernels/rows.ts); activation kind 0 identity, 1 tanh, 2 sigmoid, 3 relu. */
  addRows(out: FloatArray, bias: FloatArray): void;
  sumRows(x: FloatArray, out: FloatArray): void;
  activationGradRows(kind: number, g: FloatArray, y: FloatArray, gz: FloatArray, gb: FloatArray | null): void;
}

/** Settings of the native kernels (see {@link configureKernels}). */
export interface NativeOptions {
  variant?: string;
  threads?: number;
  threadFlops?: number;
  maxSlabs?: number;
  contentionGuard?: boolean;
  /**
   * Whether products with enough rows share each packed block of B between the two threads
   * (native/gemm.h `Team`; default true) rather than being cut into slabs that each pack their own.
   */
  team?: boolean;
  /** 2·M·N·K from which a product with enough rows is shared that way (default 32e6). */
  teamFlops?: number;
}

interface NativeState {
  variant: string;
  variants: string[];
  threads: number;
  threadFlops: number;
  contentionGuard: boolean;
  lateHelperCalls: number;
}

/** Which kernels `gemm` runs, as reported by {@link kernelInfo}. */
export interface KernelInfo {
  backend: 'native-avx512' | 'native-avx2' | 'native-scalar' | 'wasm-simd' | 'reference';
  /** Threads used for large products (1 on the reference path). */
  threads: number;
  /** Products with M·N·K below this run in TypeScript (`gemmJs`: calling into native or wasm costs more). */
  smallWork: number;
  /** Products with 2·M·N·K at or above this are split over two threads. */
  threadFlops: number;
  /**
   * Whether two-thread products fall back to one thread for a while after the helper thread was
   * found late (another process busy on the second core), and how often that happened.
   */
  contentionGuard: boolean;
  lateHelperCalls: number;
  /** Variants this CPU can run. */
  variants: string[];
  /** Why the native kernels are not in use, when they are not. */
  reason?: string;
  /** Where the addon was loaded from, when it was: a prebuilt binary shipped in the package, or built here. */
  addon?: { source: 'prebuilt' | 'built from source'; path: string };
  /** Each step of the fallback chain native → wasm → TypeScript, in order, with what happened. */
  chain: KernelStep[];
  /** One line for people: which kernels run and why (what `tapegrad --version` prints). */
  summary: string;
}

/** One step of the kernel fallback chain, as {@link kernelInfo} reports it. */
export interface KernelStep {
  kernels: 'native' | 'wasm' | 'typescript';
  /** True for the step whose kernels are installed. */
  used: boolean;
  detail: string;
}

// Measured with native/measure.ts on the 2-core dev machine (AVX-512): the TypeScript loops win
// only below ~100 multiply-adds (a 4×4×4 product is a tie at ~0.2-0.6 µs either way, the N-API
// call being most of the native time). Two threads start at 1 MFLOP (~80³; 5-10 µs on one core):
// in a quiet moment 64³ (0.5 MFLOP) ran 1.5× faster on two threads, 50×128×128 (1.6 MFLOP) 1.6×,
// 1024³ 1.85×, while 32×32×64 (0.13 MFLOP) gained nothing; a helper that has gone to sleep also
// costs a futex wake (~2 µs). The machine was shared while this was tuned, so the two-thread
// gains come from its idle moments; the contention guard in native/addon.cc keeps a busy second
// core from making products slower.
const SMALL_WORK = 128;
const THREAD_FLOPS = 1e6;

let addon: Addon | null = null;
/** False after configureKernels({ variant: 'reference' }). */
let nativeInstalled = false;
let smallWork = SMALL_WORK;
let reason: string | undefined = 'not loaded yet';

function checkLengths(M: number, N: number, K: number, A: FloatArray, B: FloatArray, C: FloatArray): void {
  if (A.length < M * K || B.length < K * N || C.length < M * N) {
    throw new Error(`gemm: buffers too short for M=${M} N=${N} K=${K} ` +
      `(A ${A.length} < ${M * K}, B ${B.length} < ${K * N} or C ${C.length} < ${M * N})`);
  }
}

const nativeGemm: GemmKernel = (transA, transB, M, N, K, A, B, C) => {
  checkLengths(M, N, K, A, B, C);
  // Mixed dtypes (allowed by the reference) have no native kernel.
  if (M * N * K < smallWork || A.constructor !== C.constructor || B.constructor !== C.constructor) {
    gemmJs(transA, transB, M, N, K, A, B, C);
  } else {
    addon!.gemm(transA, transB, M, N, K, A, B, C);
  }
};

// Below this many values the N-API call (~0.1-0.2 µs) costs more than the TypeScript loop saves.
const SMALL_UPDATE = 64;

/** True when the native loop can take these buffers (same dtype, long enough to pay for the call). */
function nativeFits(w: FloatArray, g: FloatArray): boolean {
  return w.length >= SMALL_UPDATE && w.constructor === g.constructor && g.length >= w.length;
}

/** The optimizer updates on the addon (bit-identical to the reference, see native/update.inc). */
const nativeUpdates: UpdateKernels = {
  sgd(w, g, lr) {
    if (nativeFits(w, g)) addon!.sgd(w, g, lr);
    else referenceUpdates.sgd(w, g, lr);
  },
  momentum(w, g, v, lr, mom) {
    if (nativeFits(w, g) && v.length >= w.length) addon!.momentum(w, g, v, lr, mom);
    else referenceUpdates.momentum(w, g, v, lr, mom);
  },
  adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2) {
    if (nativeFits(w, g) && m.length >= w.length && v.length >= w.length) addon!.adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2);
    else referenceUpdates.adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2);
  },
};

const ROW_KIND: Record<RowActivation, number> = { identity: 0, tanh: 1, sigmoid: 2, relu: 3 };

/**
 * The row glue on the addon from SMALL_UPDATE values up (bit-identical to the reference, see
 * native/update.inc), for buffers of one dtype whose lengths fit; anything else takes the reference.
 */
const nativeRows: RowKernels = {
  addRows(out, bias) {
    if (out.length >= SMALL_UPDATE && bias.length > 0 && out.length % bias.length === 0 && out.constructor === bias.constructor) {
      addon!.addRows(out, bias);
    } else referenceRows.addRows(out, bias);
  },
  sumRows(x, out) {
    if (x.length >= SMALL_UPDATE && out.length > 0 && x.length % out.length === 0 && x.constructor === out.constructor) {
      addon!.sumRows(x, out);
    } else referenceRows.sumRows(x, out);
  },
  activationGradRows(activation, g, y, gz, gb) {
    const n = gb === null ? g.length : gb.length;
    const fits = g.length >= SMALL_UPDATE && n > 0 && g.length % n === 0 && y.length === g.length && gz.length === g.length &&
      g.constructor === y.constructor && g.constructor === gz.constructor && (gb === null || g.constructor === gb.constructor);
    if (fits) addon!.activationGradRows(ROW_KIND[activation], g, y, gz, gb);
    else referenceRows.activationGradRows(activation, g, y, gz, gb);
  },
};

const ACTIVATIONS: readonly FastUnaryName[] = ['exp', 'tanh', 'sigmoid'];

/** Whether the addon computes float64 activations (a prebuilt binary from before they existed refuses them). */
function hasFloat64Activations(a: Addon): boolean {
  try {
    a.activation(0, new Float64Array(1), new Float64Array(1));
    return true;
  } catch {
    return false;
  }
}

/** Installs (on) or removes (off) the native float32/float64 exp/tanh/sigmoid loops and the native optimizer updates. */
function installElementwise(on: boolean): void {
  const a = addon;
  const has = on && a !== null && typeof a.activation === 'function';
  const has64 = has && hasFloat64Activations(a!);
  ACTIVATIONS.forEach((name, kind) => {
    setFloat32Unary(name, has ? (x, out) => a!.activation(kind, x, out) : null);
    setFloat64Unary(name, has64 ? (x, out) => a!.activation(kind, x, out) : null);
  });
  setUpdateKernels(on && a !== null && typeof a.sgd === 'function' ? nativeUpdates : referenceUpdates);
  setRowKernels(on && a !== null && typeof a.sumRows === 'function' ? nativeRows : referenceRows);
}

interface NodeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

type CreateRequire = (url: string) => (id: string) => unknown;

/** Where the addon came from (kernelInfo reports it). */
let addonFrom: KernelInfo['addon'];
let nativeDetail = 'not loaded yet';

let wasm: WasmKernels | null = null;
/** True while the wasm kernels are the installed ones. */
let wasmInstalled = false;
let wasmFailure: string | null = null;

/** Installs the wasm GEMM and float32/float64 exp/tanh/sigmoid, loading the module on first use; throws why it cannot. */
function installWasmKernels(): WasmKernels {
  if (wasm === null) {
    if (wasmFailure !== null) throw new Error(wasmFailure);
    try {
      wasm = loadWasmKernels();
    } catch (e) {
      wasmFailure = e instanceof Error ? e.message : String(e);
      throw new Error(wasmFailure);
    }
  }
  const w = wasm;
  setGemmKernel((transA, transB, M, N, K, A, B, C) => {
    checkLengths(M, N, K, A, B, C);
    w.gemm(transA, transB, M, N, K, A, B, C);
  });
  // The unary ops call these only from 16 values up (src/ops/unary.ts), where wasm wins the copy.
  ACTIVATIONS.forEach((name, kind) => {
    const loop: Float32Unary = (x, out) => w.activation(kind, x, out);
    setFloat32Unary(name, loop);
    // float64: V8's fdlibm doubles bit for bit, two lanes at a time; it beats the Math.* loop only
    // on longer arrays (measured with wasm/measure.ts), so from WASM_F64_ACTIVATION_MIN values up.
    setFloat64Unary(name, (x, out) => w.activation64(kind, x, out), WASM_F64_ACTIVATION_MIN);
  });
  // The optimizer updates and the row glue stay in TypeScript: one pass over the buffers there
  // costs less than copying them into wasm memory and back.
  setUpdateKernels(referenceUpdates);
  setRowKernels(referenceRows);
  wasmInstalled = true;
  return w;
}

/** The wasm step of the chain: installs the wasm kernels, or says why it could not. */
function installWasm(): { used: boolean; detail: string } {
  try {
    installWasmKernels();
    return { used: true, detail: `SIMD kernels (GEMM float32/float64, exp/tanh/sigmoid float32/float64) built from wasm/ by AssemblyScript; ${wasm?.threadDetail() ?? ''}` };
  } catch (e) {
    return { used: false, detail: `unavailable: ${(e as Error).message}` };
  }
}
let wasmStep: { used: boolean; detail: string } | null = null;

function install(createRequire: CreateRequire, env: Record<string, string | undefined>): void {
  try {
    // Specifiers are computed so that bundlers do not try to resolve the loader or the binary.
    const requireHere = createRequire(import.meta.url);
    const root = new URL(['..', '..', ''].join('/'), import.meta.url);
    const finder = requireHere(['node-gyp-build'].join('')) as { resolve(dir: string): string };
    const rootPath = decodeURIComponent(root.pathname);
    const file = finder.resolve(rootPath);
    const loaded = requireHere(file) as Addon;
    loaded.configure({ threadFlops: THREAD_FLOPS });
    const variant = env['TAPEGRAD_NATIVE_VARIANT'];
    if (variant) loaded.configure({ variant });
    // TAPEGRAD_NATIVE_TEAM=0 cuts every two-thread product into slabs (A/B runs of the team split).
    if (env['TAPEGRAD_NATIVE_TEAM'] === '0') loaded.configure({ team: false });
    addon = loaded;
    const relative = file.startsWith(rootPath) ? file.slice(rootPath.length) : file;
    addonFrom = { source: relative.startsWith('prebuilds') ? 'prebuilt' : 'built from source', path: relative };
    reason = undefined;
    nativeDetail = `${addonFrom.source} addon ${relative}`;
    setGemmKernel(nativeGemm);
    installElementwise(true);
    nativeInstalled = true;
    wasmInstalled = false;
  } catch (error) {
    reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    nativeDetail = reason ?? 'failed to load';
    wasmStep = installWasm();
    if (!wasmStep.used) {
      console.warn(`tapegrad: native kernels unavailable (${reason}) and wasm kernels ${wasmStep.detail}; ` +
        'using the TypeScript kernels. Build the native ones with `npm run install` in the tapegrad folder.');
    }
  }
}

function load(): void {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node) {
    reason = nativeDetail = 'not running in Node';
    wasmStep = installWasm();
    return;
  }
  const env = proc.env ?? {};
  if (env['TAPEGRAD_NATIVE'] === '0') {
    reason = nativeDetail = 'disabled by TAPEGRAD_NATIVE=0';
    wasmStep = installWasm();
    return;
  }
  const mod = proc.getBuiltinModule?.('node:module') as { createRequire: CreateRequire } | undefined;
  if (mod) {
    install(mod.createRequire, env);
  } else {
    // Node < 20.16 has no synchronous way in: products before this resolves use the reference.
    // The specifier is a variable so that bundlers leave it alone.
    const specifier = 'node:module';
    void import(/* @vite-ignore */ specifier).then((m) => install(m.createRequire as CreateRequire, env), () => {});
  }
}

load();

/**
 * Reports which GEMM backend is active, for benchmarks and diagnostics.
 *
 * @example
 * ```ts
 * import { kernelInfo } from './kernels/native.js';
 * console.log(kernelInfo().backend); // 'native-avx512' on a machine where the addon built
 * ```
 */
export function kernelInfo(): KernelInfo {
  const wasmOn = !nativeInstalled && wasmInstalled;
  const wasmDetail = wasmOn && wasmStep?.used !== true ? "selected by configureKernels({ variant: 'wasm' })"
    : wasmStep?.detail ?? (wasmFailure !== null ? `unavailable: ${wasmFailure}` : nativeInstalled ? 'not needed' : 'not tried');
  const chain = (nativeOn: boolean): KernelStep[] => [
    { kernels: 'native', used: nativeOn, detail: nativeOn || !addon ? nativeDetail : 'not selected (configureKernels)' },
    { kernels: 'wasm', used: wasmOn, detail: wasmDetail },
    {
      kernels: 'typescript', used: !nativeOn && !wasmOn,
      detail: nativeOn || wasmOn ? 'for products below the small-work threshold' : 'always available',
    },
  ];
  const why = reason ?? (wasmOn ? "wasm selected by configureKernels({ variant: 'wasm' })" : 'reference kernel selected');
  if (wasmOn) {
    // Worker threads share products from WASM_PARALLEL_WORK up (src/kernels/wasm-threads.ts).
    const threads = wasm?.threads() ?? 1;
    return {
      backend: 'wasm-simd', threads, smallWork: WASM_SMALL_WORK, threadFlops: threads > 1 ? 2 * WASM_PARALLEL_WORK : Infinity, contentionGuard: false,
      lateHelperCalls: 0, variants: addon?.info().variants ?? [], reason: why, chain: chain(false),
      ...(addonFrom ? { addon: addonFrom } : {}),
      summary: `wasm SIMD kernels, ${threads} thread${threads === 1 ? '' : 's'} (native: ${why})`,
    };
  }
  if (!addon || !nativeInstalled) {
    return {
      backend: 'reference', threads: 1, smallWork: 0, threadFlops: Infinity, contentionGuard: false,
      lateHelperCalls: 0, variants: addon?.info().variants ?? [], reason: why, chain: chain(false),
      ...(addonFrom ? { addon: addonFrom } : {}),
      summary: `TypeScript kernels (native: ${why}; wasm: ${wasmDetail})`,
    };
  }
  const s = addon.info();
  const backend = `native-${s.variant}` as KernelInfo['backend'];
  return {
    backend, threads: s.threads, smallWork, threadFlops: s.threadFlops, contentionGuard: s.contentionGuard,
    lateHelperCalls: s.lateHelperCalls, variants: s.variants, chain: chain(true), ...(addonFrom ? { addon: addonFrom } : {}),
    summary: `native kernels, ${s.variant} (${nativeDetail}; ${s.threads} threads for large products)`,
  };
}

/**
 * Tunes or switches the native kernels (tests and measurements use it to reach every variant;
 * `maxSlabs` caps how many pieces a large two-thread product is cut into; `team: false` cuts every
 * two-thread product into slabs instead of sharing one packed B);
 * `variant: 'reference'` puts the reference kernel back, `variant: 'wasm'` installs the WebAssembly
 * SIMD kernels (as in a browser), any other name re-installs the addon.
 * Throws if the addon is not loaded or the CPU lacks the variant.
 *
 * @example
 * ```ts
 * configureKernels({ variant: 'avx2', threads: 1 }); // force AVX2, single-threaded
 * ```
 */
export function configureKernels(options: NativeOptions & { smallWork?: number }): KernelInfo {
  expectOptions('configureKernels', options, ['variant', 'threads', 'threadFlops', 'maxSlabs', 'contentionGuard', 'team', 'teamFlops', 'smallWork']);
  if (options === undefined) throw new Error('configureKernels: options are required, e.g. { variant: \'avx2\' }');
  if (options.variant === 'reference') {
    setGemmKernel(gemmReference);
    installElementwise(false);
    nativeInstalled = false;
    wasmInstalled = false;
    return kernelInfo();
  }
  if (options.variant === 'wasm') {
    const extra = Object.keys(options).filter((k) => k !== 'variant');
    if (extra.length > 0) throw new Error(`configureKernels: the wasm kernels take no settings (got ${extra.join(', ')})`);
    try {
      installWasmKernels();
    } catch (e) {
      throw new Error(`configureKernels: wasm kernels unavailable (${(e as Error).message})`);
    }
    nativeInstalled = false;
    return kernelInfo();
  }
  if (!addon) throw new Error(`configureKernels: native kernels unavailable (${reason}), cannot apply ${JSON.stringify(options)}`);
  const { smallWork: small, ...rest } = options;
  if (small !== undefined) {
    if (!(small >= 0)) throw new Error(`configureKernels: smallWork must be ≥ 0, got ${small}`);
    smallWork = small;
  }
  try {
    addon.configure(rest);
  } catch (e) {
    throw new Error(`configureKernels: ${(e as Error).message} (options ${JSON.stringify(rest)})`);
  }
  setGemmKernel(nativeGemm);
  installElementwise(true);
  nativeInstalled = true;
  wasmInstalled = false;
  return kernelInfo();
}

/**
 * The raw addon for tests and measurements (null when it did not load): its `gemm` skips the
 * TypeScript small-product path and the length checks, so callers must validate first; `sgd`,
 * `momentum` and `adam` are the in-place optimizer updates (see src/kernels/update.ts), `addRows`,
 * `sumRows` and `activationGradRows` a dense layer's row glue (see src/kernels/rows.ts).
 *
 * @example
 * ```ts
 * const addon = nativeAddon();
 * if (addon) addon.gemm(false, false, 2, 2, 2, a, b, c); // a, b, c: Float32Array(4) each
 * ```
 */
export function nativeAddon(): Pick<Addon, 'gemm' | 'sgd' | 'momentum' | 'adam' | 'activation' | 'addRows' | 'sumRows' | 'activationGradRows'> | null {
  return addon;
}
