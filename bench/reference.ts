/**
 * The figures issue 5 records for numpy (the seed labs' code) and PyTorch on this machine, and the goals.
 * They were measured earlier, not by this benchmark; the report shows them beside this run's numbers, labelled so.
 */

export interface Reference {
  /** Metric key (see METRICS in common.ts). */
  key: string;
  numpy: number | null;
  pytorch: number | null;
  /** What issue 5 measured for tfjs, to compare with this run's tfjs numbers (a sanity check of the harness). */
  tfjsCpu: number;
  tfjsWasm: number;
  goal: number;
  /** Which tapegrad system the goal applies to. */
  goalSystem: 'tapegrad-f32';
  note?: string;
}

export const REFERENCE_SOURCE = 'issue 5 (2 cores, medians of 3 processes; numpy = seed labs\' code, PyTorch 1.13 CPU)';

export const REFERENCES: readonly Reference[] = [
  { key: 'W1 epoch', numpy: 1.19, pytorch: 1.06, tfjsCpu: 70.3, tfjsWasm: 14.7, goal: 0.5, goalSystem: 'tapegrad-f32',
    note: 'numpy in float64; PyTorch float32, 1 thread' },
  { key: 'W2 rate', numpy: 7215, pytorch: 3633, tfjsCpu: 358, tfjsWasm: 727, goal: 25_000, goalSystem: 'tapegrad-f32' },
  { key: 'W3 rate', numpy: 14_300, pytorch: 2821, tfjsCpu: 837, tfjsWasm: 1337, goal: 50_000, goalSystem: 'tapegrad-f32' },
  { key: 'W4 f32 1024x1024x1024', numpy: 169, pytorch: 199, tfjsCpu: 0.36, tfjsWasm: 19.1, goal: 100, goalSystem: 'tapegrad-f32',
    note: 'numpy through OpenBLAS, 2 threads' },
  { key: 'W4 f32 50x784x128', numpy: 99, pytorch: 94, tfjsCpu: 0.33, tfjsWasm: 17.8, goal: 60, goalSystem: 'tapegrad-f32' },
  { key: 'W5 per-op', numpy: null, pytorch: 12.0, tfjsCpu: 35.2, tfjsWasm: 63.3, goal: 1, goalSystem: 'tapegrad-f32' },
];
