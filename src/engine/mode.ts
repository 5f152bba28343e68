/** Whether ops are recorded right now: `noGrad` switches recording off for a block. */

export const gradMode = { enabled: true, transformDepth: 0 };

/**
 * Whether ops are being recorded now (false inside {@link noGrad}).
 * @example
 * isGradEnabled();                 // true
 * noGrad(() => isGradEnabled());   // false
 */
export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

/**
 * Runs `fn` with recording switched off: nothing inside is put on the tape.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2));
 * y.requiresGrad; // false
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`noGrad: expected a function to run, got ${fn === null ? 'null' : typeof fn}`);
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on or off, restoring the previous mode afterwards (also on throw). */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = previous;
  }
}
