/** Gradient checking, tapegrad's product feature: gradcheck, verifyGradients, verifyJacobian, defineOp. */
export { gradcheck, formatGradcheck } from './gradcheck.js';
export type { CheckInputs, GradcheckOptions, GradcheckReport, GradcheckInputReport, WorstElement } from './gradcheck.js';
export { verifyGradients, formatVerify } from './verify.js';
export type { VerifyOptions, VerifyReport, ParamReport, Agreement, PairErrors } from './verify.js';
export type { ManualValue } from './manual.js';
export { diagnose } from './diagnose.js';
export type { Diagnosis, DiagnosisKind, DiagnoseContext } from './diagnose.js';
export type { DirectionStatus } from './numeric.js';
export { DEFAULT_EPS, FLOAT64_TOLERANCE, FLOAT32_TOLERANCE, EXACT_TOLERANCE } from './tolerance.js';
export type { Tolerance } from './tolerance.js';
export type { StrategyOptions } from './strategy.js';
export { DEFAULT_STRATEGY } from './strategy.js';
export { defineOp, checkOp } from './define-op.js';
export type { CustomOp, CustomOpSpec, BackwardContext, GradientValue } from './define-op.js';
export { verifyJacobian, JACOBIAN_LAYOUT } from './jacobian.js';
export type { VerifyJacobianOptions } from './jacobian.js';
export { localFactors, withoutLogEpsilon } from './loss-graph.js';
export type { LocalFactor, WithoutEpsilon } from './loss-graph.js';
