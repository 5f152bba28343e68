/**
 * Keeping big graphs readable: find linear chains (each output used once, by the next op), fold
 * periodic runs of the same op pattern into one "×N" box, then cap what is left.
 */

/** A run inside a chain: `reps` repetitions of a `period`-long op pattern starting at `start`. */
export interface Run {
  start: number;
  period: number;
  reps: number;
}

/** Periodic runs (period ≤ 4, at least 3 repetitions) in a sequence of op names, greedily, longest first. */
export function findRuns(ops: readonly string[], maxPeriod = 4, minReps = 3): Run[] {
  const runs: Run[] = [];
  let i = 0;
  while (i < ops.length) {
    let best: Run | null = null;
    for (let p = 1; p <= maxPeriod; p++) {
      let reps = 1;
      while (i + (reps + 1) * p <= ops.length && samePattern(ops, i, i + reps * p, p)) reps++;
      if (reps >= minReps && (best === null || reps * p > best.reps * best.period)) best = { start: i, period: p, reps };
    }
    if (best === null) {
      i++;
    } else {
      runs.push(best);
      i += best.reps * best.period;
    }
  }
  return runs;
}

function samePattern(ops: readonly string[], a: number, b: number, p: number): boolean {
  for (let k = 0; k < p; k++) if (ops[a + k] !== ops[b + k]) return false;
  return true;
}

/**
 * Linear chains over records 0..n−1: `inputsOf(s)` lists the producers of s's inputs that are used
 * only by s (in slot order). A record continues the chain of its first such producer.
 */
export function linearChains(n: number, soleProducers: (s: number) => readonly number[]): number[][] {
  const next = new Array<number>(n).fill(-1);
  const prev = new Array<number>(n).fill(-1);
  for (let s = 0; s < n; s++) {
    for (const r of soleProducers(s)) {
      if (next[r] === -1) {
        prev[s] = r;
        next[r] = s;
        break;
      }
    }
  }
  const chains: number[][] = [];
  for (let r = 0; r < n; r++) {
    if (prev[r] !== -1) continue;
    const chain = [r];
    for (let k = next[r]!; k !== -1; k = next[k]!) chain.push(k);
    chains.push(chain);
  }
  return chains;
}
