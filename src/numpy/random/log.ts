/**
 * A correctly rounded natural logarithm, so that numpy's polar Gaussian comes out bit for bit.
 *
 * NOTE: numpy's `legacy_gauss` calls C's `log`, which glibc rounds correctly in practice, while
 * V8's `Math.log` (fdlibm) is off by one ulp for about 1.5 % of arguments, which shows in the
 * last digit of ~3 % of `randn` values. Here the log is computed in double-double arithmetic
 * (about 100 bits) and rounded once.
 */

// Double-double results are returned through these two module variables (no allocation per op).
let rHi = 0;
let rLo = 0;

const SPLIT = 134217729; // 2**27 + 1, Dekker's splitter

/** rHi + rLo = a + b exactly. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  rLo = (a - (s - bb)) + (b - bb);
  rHi = s;
}

/** rHi + rLo = a * b exactly (Dekker's product; JS has no fused multiply-add). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let c = SPLIT * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLIT * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  rLo = ((aHi * bHi - p) + aHi * bLo + aLo * bHi) + aLo * bLo;
  rHi = p;
}

/** (aHi, aLo) + (bHi, bLo), normalised. */
function ddAdd(aHi: number, aLo: number, bHi: number, bLo: number): void {
  twoSum(aHi, bHi);
  const sHi = rHi;
  const sLo = rLo + aLo + bLo;
  twoSum(sHi, sLo);
}

/** (aHi, aLo) * (bHi, bLo), normalised. */
function ddMul(aHi: number, aLo: number, bHi: number, bLo: number): void {
  twoProd(aHi, bHi);
  const pHi = rHi;
  const pLo = rLo + (aHi * bLo + aLo * bHi);
  twoSum(pHi, pLo);
}

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const SQRT2 = Math.SQRT2;
const bits = new DataView(new ArrayBuffer(8));

/**
 * ln(x) rounded to the nearest double (non-positive, infinite and NaN arguments as `Math.log`).
 *
 * @example
 * ```ts
 * correctlyRoundedLog(0.5); // -0.6931471805599453
 * ```
 */
export function correctlyRoundedLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  if (x === 1) return 0;
  // x = m * 2**k with m in [1/√2, √2).
  let k = 0;
  let v = x;
  if (v < 2.2250738585072014e-308) { v *= 18014398509481984; k = -54; } // lift subnormals by 2**54
  bits.setFloat64(0, v);
  const hiWord = bits.getUint32(0);
  k += ((hiWord >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (hiWord & 0x800fffff) | 0x3ff00000);
  let m = bits.getFloat64(0);
  if (m > SQRT2) { m /= 2; k += 1; }
  // log(m) = 2 atanh(s) with s = (m - 1) / (m + 1); m - 1 is exact (Sterbenz), m + 1 is kept as a pair.
  const f = m - 1;
  twoSum(m, 1);
  const dHi = rHi;
  const dLo = rLo;
  const sHi = f / dHi;
  ddMul(sHi, 0, dHi, dLo);
  const sLo = ((f - rHi) - rLo) / dHi;
  ddMul(sHi, sLo, sHi, sLo);
  const tHi = rHi;
  const tLo = rLo;
  // T = t/3 + t²/5 + t³/7 + t⁴/9 + …, |t| ≤ 0.0295: four terms in double-double, the rest in double
  // (the first term left out is below 2**-80 of the result).
  const t = tHi;
  let tail = 0;
  let tp = t ** 5;
  for (let n = 5; n < 14; n++) { tail += tp / (2 * n + 1); tp *= t; }
  let accHi = tail;
  let accLo = 0;
  let powHi = tHi;
  let powLo = tLo;
  for (let n = 1; n <= 4; n++) {
    // pow / (2n + 1) as a pair: q + (pow - q * d) / d.
    const d = 2 * n + 1;
    const q = powHi / d;
    twoProd(q, d);
    const qLo = ((powHi - rHi) - rLo + powLo) / d;
    ddAdd(accHi, accLo, q, qLo);
    accHi = rHi;
    accLo = rLo;
    ddMul(powHi, powLo, tHi, tLo);
    powHi = rHi;
    powLo = rLo;
  }
  // log(m) = 2s + 2s·T
  ddMul(sHi, sLo, accHi, accLo);
  ddAdd(sHi, sLo, rHi, rLo);
  const lmHi = 2 * rHi;
  const lmLo = 2 * rLo;
  if (k === 0) return lmHi + lmLo;
  twoProd(k, LN2_HI);
  const kHi = rHi;
  const kLo = rLo + k * LN2_LO;
  ddAdd(kHi, kLo, lmHi, lmLo);
  return rHi + rLo;
}
