/**
 * The options of `gradcheck`, `checkOp`, `verifyGradients` and `verifyJacobian` resolved once, at
 * the entry point, into one plan that every later step reads, as `torch.autograd.gradcheck`
 * resolves eps, atol, rtol and fast/slow mode up front. Defaults, validation and the precision
 * rules live here and nowhere else; the rest of `src/check/` never sees a user's options object.
 */
import type { DType } from '../dtype.js';
import { rngFor, type Rng } from '../random.js';
import type { GradcheckOptions } from './gradcheck.js';
import { DEFAULT_STRATEGY, type StrategyOptions } from './strategy.js';
import {
  DEFAULT_EPS, EXACT_TOLERANCE, FLOAT32_EPS_STEP, FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, maxAbs, noiseFloor, withFloor,
  type Tolerance,
} from './tolerance.js';

/** The options every check shares (each entry point's options interface extends these). */
export interface CommonCheckOptions {
  /** Finite-difference step (absolute). Default cbrt(2⁻⁵²) ≈ 6.06e-6. */
  readonly eps?: number;
  /** Tolerances of every comparison with finite differences; default by precision. */
  readonly atol?: number;
  readonly rtol?: number;
}

/** Tolerance options of a three-way check (hand formula, autodiff, finite differences). */
export interface ThreeWayTolerances extends CommonCheckOptions {
  /**
   * Tolerances of hand formula vs autodiff, both exact computations: default rtol 1e-9 and
   * atol 1e-12·max(1, max|autodiff|) in float64 (float32 parameters: gradcheck's float32 ones).
   */
  readonly exactAtol?: number;
  readonly exactRtol?: number;
}

/** What the entry point learnt about precision before resolving (it decides defaults). */
export interface Precision {
  /** An input (or the output) is float32: the analytical side has float32 rounding. */
  readonly lowPrecision: boolean;
  /** The dtype f computes in on float64 copies of the inputs (float32 if f forces it). */
  readonly numericDType: DType;
}

/** The resolved settings every check has. */
export interface CheckPlan extends Precision {
  /** The public function being run, named in every error ('gradcheck', 'checkOp', …). */
  readonly fn: string;
  readonly eps: number;
  /** Tolerance against finite differences before the noise floor is applied. */
  readonly numerical: Tolerance;
  /** The noise floor's multiplier: 1, or 2²⁹ (2⁻²³ / 2⁻⁵²) when f computes in float32. */
  readonly noiseScale: number;
}

/** A check that samples large inputs (random directions, elements, the group search). */
export interface SamplingPlan extends CheckPlan {
  readonly strategy: StrategyOptions;
  /** Seeded from the `seed` option (default 0): every random choice comes from here. */
  readonly rng: Rng;
}

/** gradcheck and checkOp. */
export interface GradcheckPlan extends SamplingPlan {
  /** Positions of the inputs to check. */
  readonly wrt: readonly number[];
  /** Non-scalar outputs with at most this many elements get the full Jacobian. */
  readonly jacobianLimit: number;
  /** Also check forward mode (JVPs) against the same finite differences. */
  readonly forwardAD: boolean;
}

/** Hand formula vs autodiff: fixed tolerances, or atol scaled by the gradient's size. */
export interface ExactRule {
  readonly fixed: Tolerance | null;
  readonly atol: number | null;
  readonly rtol: number;
}

/** verifyGradients and verifyJacobian. */
export interface ThreeWayPlan extends CheckPlan {
  readonly exact: ExactRule;
  /** The batch size m, so a factor m is diagnosed as "a missing 1/m". */
  readonly batchSize: number | undefined;
}

/** verifyGradients. */
export interface VerifyPlan extends ThreeWayPlan, SamplingPlan {}

/** verifyJacobian. */
export interface JacobianPlan extends ThreeWayPlan {
  readonly maxEntries: number;
}

/** The finite-difference settings one input's check follows (tolerance already floored). */
export interface StepPlan {
  readonly eps: number;
  readonly tolerance: Tolerance;
  readonly strategy: StrategyOptions;
  readonly rng: Rng;
}

/** The strategy defaults overridden by whichever strategy options are set. */
function resolveStrategy(fn: string, options: Partial<StrategyOptions>): StrategyOptions {
  const out: Record<keyof StrategyOptions, number> = { ...DEFAULT_STRATEGY };
  for (const k of Object.keys(DEFAULT_STRATEGY) as (keyof StrategyOptions)[]) {
    const v = options[k];
    if (v !== undefined) {
      if (!(Number.isInteger(v) && v >= 0)) throw new Error(`${fn}: option ${k} must be a non-negative integer, got ${v}`);
      out[k] = v;
    }
  }
  return out;
}

function resolveCommon(fn: string, o: CommonCheckOptions, precision: Precision, defaultEps: number): CheckPlan {
  if (o.eps !== undefined && !(o.eps > 0)) throw new Error(`${fn}: eps must be positive, got ${o.eps}`);
  for (const k of ['atol', 'rtol'] as const) {
    const v = o[k];
    if (v !== undefined && !(v >= 0)) throw new Error(`${fn}: ${k} must be a non-negative number, got ${v}`);
  }
  const base = precision.lowPrecision ? FLOAT32_TOLERANCE : FLOAT64_TOLERANCE;
  const float32Inside = precision.numericDType === 'float32';
  return {
    fn, ...precision,
    eps: o.eps ?? defaultEps,
    numerical: { atol: o.atol ?? base.atol, rtol: o.rtol ?? base.rtol },
    noiseScale: float32Inside ? 2 ** 29 : 1,
  };
}

function resolveExact(o: ThreeWayTolerances, low: boolean): ExactRule {
  if (low) return { fixed: FLOAT32_TOLERANCE, atol: null, rtol: FLOAT32_TOLERANCE.rtol };
  return { fixed: null, atol: o.exactAtol ?? null, rtol: o.exactRtol ?? EXACT_TOLERANCE.rtol };
}

/**
 * gradcheck's plan. The step grows to float32's cbrt(ε) when f computes in float32 even on
 * float64 copies (its differences are limited by float32 rounding then).
 */
export function planGradcheck(fn: string, options: GradcheckOptions, names: readonly string[], precision: Precision): GradcheckPlan {
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: options must be an object`);
  const common = resolveCommon(fn, options, precision, precision.numericDType === 'float32' ? FLOAT32_EPS_STEP : DEFAULT_EPS);
  const limit = options.jacobianLimit ?? 16;
  if (!(Number.isInteger(limit) && limit >= 0)) throw new Error(`${fn}: jacobianLimit must be a non-negative integer, got ${limit}`);
  return {
    ...common,
    strategy: resolveStrategy(fn, options),
    rng: rngFor(options.seed ?? 0),
    wrt: selectInputs(fn, names, options.wrt),
    jacobianLimit: limit,
    forwardAD: options.checkForwardAD === true,
  };
}

function selectInputs(fn: string, names: readonly string[], wrt: GradcheckOptions['wrt']): number[] {
  if (wrt === undefined) return names.map((_, i) => i);
  if (!Array.isArray(wrt)) throw new Error(`${fn}: wrt must be an array of input names or positions, got ${typeof wrt}`);
  return wrt.map((w) => {
    const i = typeof w === 'number' ? w : names.indexOf(w);
    if (!Number.isInteger(i) || i < 0 || i >= names.length) {
      throw new Error(`${fn}: wrt names no input: ${JSON.stringify(w)} (inputs: ${names.join(', ')})`);
    }
    return i;
  });
}

/** verifyGradients' plan: float32 parameters get float32 tolerances. */
export function planVerify(
  fn: string, options: ThreeWayTolerances & Partial<StrategyOptions> & { readonly seed?: string | number; readonly batchSize?: number },
  lowPrecision: boolean,
): VerifyPlan {
  const common = resolveCommon(fn, options, { lowPrecision, numericDType: 'float64' }, DEFAULT_EPS);
  return {
    ...common,
    strategy: resolveStrategy(fn, options),
    rng: rngFor(options.seed ?? 0),
    exact: resolveExact(options, lowPrecision),
    batchSize: options.batchSize,
  };
}

/** verifyJacobian's plan: a float32 parameter or output gets float32 tolerances. */
export function planJacobian(fn: string, options: ThreeWayTolerances & { readonly maxEntries?: number }, lowPrecision: boolean): JacobianPlan {
  const common = resolveCommon(fn, options, { lowPrecision, numericDType: 'float64' }, DEFAULT_EPS);
  return { ...common, exact: resolveExact(options, lowPrecision), batchSize: undefined, maxEntries: options.maxEntries ?? 2_000_000 };
}

/**
 * Tolerance against finite differences of a function of size `scale` (|f| at the point): atol
 * raised to the rounding noise floor there.
 */
export function numericalTolerance(plan: CheckPlan, scale: number): Tolerance {
  return withFloor(plan.numerical, noiseFloor(scale, plan.eps) * plan.noiseScale);
}

/** The settings one input's finite-difference check follows, for a function of size `scale`. */
export function stepAt(plan: SamplingPlan, scale: number): StepPlan {
  return { eps: plan.eps, tolerance: numericalTolerance(plan, scale), strategy: plan.strategy, rng: plan.rng };
}

/** Tolerance of hand formula vs autodiff for one parameter (see {@link ThreeWayTolerances}). */
export function exactTolerance(plan: ThreeWayPlan, autodiff: Float64Array): Tolerance {
  const { fixed, atol, rtol } = plan.exact;
  if (fixed !== null) return fixed;
  return { atol: atol ?? EXACT_TOLERANCE.atol * Math.max(1, maxAbs(autodiff)), rtol };
}
