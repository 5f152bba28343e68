// GEMM kernels in AssemblyScript with 128-bit SIMD, compiled by `wasm/build.mjs` (see wasm/README.md).
// C (M×N) = op(A)·op(B), all row-major, at byte offsets in this module's memory chosen by the caller
// (src/kernels/wasm.ts), which also provides a work area for the packed panels.
//
// GotoBLAS structure: op(A) is packed into MR-row panels (KC deep), op(B) into NR-column panels, and
// an MR×NR micro-kernel keeps its accumulators in registers. The packing absorbs transA/transB, so
// the micro-kernel sees one layout. When M is small and B is not transposed, B is read in place
// (its rows are already contiguous NR-wide strips; each would be reused only a few times). Edge
// tiles are computed in full from zero-padded panels (or from the padding the caller leaves after
// B) and only their valid part is stored.
//
// wasm SIMD has no fused multiply-add, so every step is one mul and one add, rounded separately.
// V8 gives wasm 15-16 xmm registers on x64: f32 uses 4×8 tiles (8 accumulators), f64 4×4 (8).

// ---- float32 ----

const MR32: i32 = 4;
const NR32: i32 = 8;
const KC32: i32 = 256;
const MC32: i32 = 64;
const NC32: i32 = 512;

/** Floats of work area gemm32 needs: one A block and one B block, packed. */
export function work32(): i32 {
  return MC32 * KC32 + KC32 * NC32;
}

// opA(i, p) packed: ap[(i/MR)·kc·MR + p·MR + i%MR], rows beyond M zero.
function packA32(transA: bool, M: i32, K: i32, A: usize, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ib = 0; ib < mc; ib += MR32) {
    const rows = min(MR32, mc - ib);
    const panel = dst + (<usize>(ib * kc) << 2);
    for (let p = 0; p < kc; p++) {
      const out = panel + (<usize>(p * MR32) << 2);
      for (let ii = 0; ii < MR32; ii++) {
        let v: f32 = 0;
        if (ii < rows) {
          const i = i0 + ib + ii;
          const k = p0 + p;
          v = transA ? load<f32>(A + (<usize>(k * M + i) << 2)) : load<f32>(A + (<usize>(i * K + k) << 2));
        }
        store<f32>(out + (<usize>ii << 2), v);
      }
    }
  }
}

// opB(p, j) packed: bp[(j/NR)·kc·NR + p·NR + j%NR], columns beyond N zero.
function packB32(transB: bool, N: i32, K: i32, B: usize, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jb = 0; jb < nc; jb += NR32) {
    const cols = min(NR32, nc - jb);
    const panel = dst + (<usize>(jb * kc) << 2);
    if (!transB && cols == NR32) {
      // Contiguous rows of B: two vector copies per p.
      for (let p = 0; p < kc; p++) {
        const src = B + (<usize>((p0 + p) * N + j0 + jb) << 2);
        const out = panel + (<usize>(p * NR32) << 2);
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const out = panel + (<usize>(p * NR32) << 2);
      const k = p0 + p;
      for (let jj = 0; jj < NR32; jj++) {
        let v: f32 = 0;
        if (jj < cols) {
          const j = j0 + jb + jj;
          v = transB ? load<f32>(B + (<usize>(j * K + k) << 2)) : load<f32>(B + (<usize>(k * N + j) << 2));
        }
        store<f32>(out + (<usize>jj << 2), v);
      }
    }
  }
}

// A scratch tile for edges, in the work area's last 32 floats (set by gemm32).
let tile32: usize = 0;

/**
 * C[0:mr, 0:nr] (row stride ldc floats) = (accumulate ? C : 0) + Apanel·Bpanel over kc steps.
 * `bs` is the byte step between rows of B (NR·4 packed, N·4 in place).
 */
// @ts-ignore: decorator
@inline
function kernel32(kc: i32, a: usize, b: usize, bs: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let a0 = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    a0 = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(a0, b0));
    c11 = f32x4.add(c11, f32x4.mul(a0, b1));
    a0 = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(a0, b0));
    c21 = f32x4.add(c21, f32x4.mul(a0, b1));
    a0 = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(a0, b0));
    c31 = f32x4.add(c31, f32x4.mul(a0, b1));
    a += 16;
    b += bs;
  }
  const full = mr == MR32 && nr == NR32;
  const stride: usize = full ? <usize>ldc << 2 : <usize>NR32 << 2;
  let out = full ? c : tile32;
  if (full && accumulate) {
    c00 = f32x4.add(c00, v128.load(out)); c01 = f32x4.add(c01, v128.load(out, 16)); out += stride;
    c10 = f32x4.add(c10, v128.load(out)); c11 = f32x4.add(c11, v128.load(out, 16)); out += stride;
    c20 = f32x4.add(c20, v128.load(out)); c21 = f32x4.add(c21, v128.load(out, 16)); out += stride;
    c30 = f32x4.add(c30, v128.load(out)); c31 = f32x4.add(c31, v128.load(out, 16));
    out = c;
  }
  v128.store(out, c00); v128.store(out, c01, 16); out += stride;
  v128.store(out, c10); v128.store(out, c11, 16); out += stride;
  v128.store(out, c20); v128.store(out, c21, 16); out += stride;
  v128.store(out, c30); v128.store(out, c31, 16);
  if (!full) {
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < nr; j++) {
        const dst = c + (<usize>(i * ldc + j) << 2);
        const v = load<f32>(tile32 + (<usize>(i * NR32 + j) << 2));
        store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
      }
    }
  }
}

/**
 * C = op(A)·op(B) in float32. `work` must hold work32() + 32 floats; when B is read in place
 * (M ≤ MC32, !transB) the caller leaves 8 readable floats after B.
 */
export function gemm32(transA: bool, transB: bool, M: i32, N: i32, K: i32, A: usize, B: usize, C: usize, work: usize): void {
  gemm32Part(transA, transB, M, N, K, A, B, C, work, 0, M, 0, N);
}

/**
 * The block C[i0:i1, j0:j1] of the same product (the other elements of C untouched): the share of one
 * thread when src/kernels/wasm-threads.ts splits a product. `work` is this thread's own work area.
 */
export function gemm32Part(transA: bool, transB: bool, M: i32, N: i32, K: i32, A: usize, B: usize, C: usize, work: usize,
  i0: i32, i1: i32, j0: i32, j1: i32): void {
  if (K == 0) {
    for (let i = i0; i < i1; i++) memory.fill(C + (<usize>(i * N + j0) << 2), 0, <usize>(j1 - j0) << 2);
    return;
  }
  const ap = work;
  const bp = work + (<usize>(MC32 * KC32) << 2);
  tile32 = bp + (<usize>(KC32 * NC32) << 2);
  const inPlace = !transB && M <= MC32;
  for (let jc = j0; jc < j1; jc += NC32) {
    const nc = min(NC32, j1 - jc);
    for (let pc = 0; pc < K; pc += KC32) {
      const kc = min(KC32, K - pc);
      const accumulate = pc > 0;
      if (!inPlace) packB32(transB, N, K, B, pc, kc, jc, nc, bp);
      for (let ic = i0; ic < i1; ic += MC32) {
        const mc = min(MC32, i1 - ic);
        packA32(transA, M, K, A, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR32) {
          const nr = min(NR32, nc - jr);
          const b = inPlace ? B + (<usize>(pc * N + jc + jr) << 2) : bp + (<usize>(jr * kc) << 2);
          const bs: usize = inPlace ? <usize>N << 2 : <usize>NR32 << 2;
          for (let ir = 0; ir < mc; ir += MR32) {
            const mr = min(MR32, mc - ir);
            const c = C + (<usize>((ic + ir) * N + jc + jr) << 2);
            kernel32(kc, ap + (<usize>(ir * kc) << 2), b, bs, c, N, mr, nr, accumulate);
          }
        }
      }
    }
  }
}

// ---- float64 ----

const MR64: i32 = 4;
const NR64: i32 = 4;
const KC64: i32 = 256;
const MC64: i32 = 64;
const NC64: i32 = 256;

/** Doubles of work area gemm64 needs. */
export function work64(): i32 {
  return MC64 * KC64 + KC64 * NC64;
}

function packA64(transA: bool, M: i32, K: i32, A: usize, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ib = 0; ib < mc; ib += MR64) {
    const rows = min(MR64, mc - ib);
    const panel = dst + (<usize>(ib * kc) << 3);
    for (let p = 0; p < kc; p++) {
      const out = panel + (<usize>(p * MR64) << 3);
      for (let ii = 0; ii < MR64; ii++) {
        let v: f64 = 0;
        if (ii < rows) {
          const i = i0 + ib + ii;
          const k = p0 + p;
          v = transA ? load<f64>(A + (<usize>(k * M + i) << 3)) : load<f64>(A + (<usize>(i * K + k) << 3));
        }
        store<f64>(out + (<usize>ii << 3), v);
      }
    }
  }
}

function packB64(transB: bool, N: i32, K: i32, B: usize, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jb = 0; jb < nc; jb += NR64) {
    const cols = min(NR64, nc - jb);
    const panel = dst + (<usize>(jb * kc) << 3);
    if (!transB && cols == NR64) {
      for (let p = 0; p < kc; p++) {
        const src = B + (<usize>((p0 + p) * N + j0 + jb) << 3);
        const out = panel + (<usize>(p * NR64) << 3);
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const out = panel + (<usize>(p * NR64) << 3);
      const k = p0 + p;
      for (let jj = 0; jj < NR64; jj++) {
        let v: f64 = 0;
        if (jj < cols) {
          const j = j0 + jb + jj;
          v = transB ? load<f64>(B + (<usize>(j * K + k) << 3)) : load<f64>(B + (<usize>(k * N + j) << 3));
        }
        store<f64>(out + (<usize>jj << 3), v);
      }
    }
  }
}

let tile64: usize = 0;

// @ts-ignore: decorator
@inline
function kernel64(kc: i32, a: usize, b: usize, bs: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let a0 = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    a0 = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(a0, b0));
    c11 = f64x2.add(c11, f64x2.mul(a0, b1));
    a0 = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(a0, b0));
    c21 = f64x2.add(c21, f64x2.mul(a0, b1));
    a0 = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(a0, b0));
    c31 = f64x2.add(c31, f64x2.mul(a0, b1));
    a += 32;
    b += bs;
  }
  const full = mr == MR64 && nr == NR64;
  const stride: usize = full ? <usize>ldc << 3 : <usize>NR64 << 3;
  let out = full ? c : tile64;
  if (full && accumulate) {
    c00 = f64x2.add(c00, v128.load(out)); c01 = f64x2.add(c01, v128.load(out, 16)); out += stride;
    c10 = f64x2.add(c10, v128.load(out)); c11 = f64x2.add(c11, v128.load(out, 16)); out += stride;
    c20 = f64x2.add(c20, v128.load(out)); c21 = f64x2.add(c21, v128.load(out, 16)); out += stride;
    c30 = f64x2.add(c30, v128.load(out)); c31 = f64x2.add(c31, v128.load(out, 16));
    out = c;
  }
  v128.store(out, c00); v128.store(out, c01, 16); out += stride;
  v128.store(out, c10); v128.store(out, c11, 16); out += stride;
  v128.store(out, c20); v128.store(out, c21, 16); out += stride;
  v128.store(out, c30); v128.store(out, c31, 16);
  if (!full) {
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < nr; j++) {
        const dst = c + (<usize>(i * ldc + j) << 3);
        const v = load<f64>(tile64 + (<usize>(i * NR64 + j) << 3));
        store<f64>(dst, accumulate ? load<f64>(dst) + v : v);
      }
    }
  }
}

/** C = op(A)·op(B) in float64; `work` must hold work64() + 16 doubles (and 4 readable doubles after B). */
export function gemm64(transA: bool, transB: bool, M: i32, N: i32, K: i32, A: usize, B: usize, C: usize, work: usize): void {
  gemm64Part(transA, transB, M, N, K, A, B, C, work, 0, M, 0, N);
}

/**
 * The block C[i0:i1, j0:j1] of the same product (the other elements of C untouched): the share of one
 * thread when src/kernels/wasm-threads.ts splits a product. `work` is this thread's own work area.
 */
export function gemm64Part(transA: bool, transB: bool, M: i32, N: i32, K: i32, A: usize, B: usize, C: usize, work: usize,
  i0: i32, i1: i32, j0: i32, j1: i32): void {
  if (K == 0) {
    for (let i = i0; i < i1; i++) memory.fill(C + (<usize>(i * N + j0) << 3), 0, <usize>(j1 - j0) << 3);
    return;
  }
  const ap = work;
  const bp = work + (<usize>(MC64 * KC64) << 3);
  tile64 = bp + (<usize>(KC64 * NC64) << 3);
  const inPlace = !transB && M <= MC64;
  for (let jc = j0; jc < j1; jc += NC64) {
    const nc = min(NC64, j1 - jc);
    for (let pc = 0; pc < K; pc += KC64) {
      const kc = min(KC64, K - pc);
      const accumulate = pc > 0;
      if (!inPlace) packB64(transB, N, K, B, pc, kc, jc, nc, bp);
      for (let ic = i0; ic < i1; ic += MC64) {
        const mc = min(MC64, i1 - ic);
        packA64(transA, M, K, A, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR64) {
          const nr = min(NR64, nc - jr);
          const b = inPlace ? B + (<usize>(pc * N + jc + jr) << 3) : bp + (<usize>(jr * kc) << 3);
          const bs: usize = inPlace ? <usize>N << 3 : <usize>NR64 << 3;
          for (let ir = 0; ir < mc; ir += MR64) {
            const mr = min(MR64, mc - ir);
            const c = C + (<usize>((ic + ir) * N + jc + jr) << 3);
            kernel64(kc, ap + (<usize>(ir * kc) << 3), b, bs, c, N, mr, nr, accumulate);
          }
        }
      }
    }
  }
}
