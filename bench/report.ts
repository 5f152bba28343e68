/** Turns the collected samples into medians, ratios, the same-result checks, the goals and the printed tables. */
import { METRICS, median } from './common.js';
import type { MetricDef, Mode, SystemName, WorkerResult, WorkloadName } from './common.js';

/** Everything one `bench/run.ts` invocation measured; written to bench/results.json. */
export interface BenchResults {
  startedAt: string;
  seconds: number;
  machine: {
    cpu: string; cores: number; node: string; platform: string; totalMemoryGB: number;
    /** os.loadavg() (1, 5, 15 min) when the run started and ended: other tenants' load on this shared machine. */
    loadAverage: { before: number[]; after: number[] };
  };
  options: {
    mode: Mode; repeat: number;
    /** The systems that ran (requested and available). */
    systems: SystemName[]; workloads: WorkloadName[];
    /** What the children ran: the built dist/ under plain node, or src/ under tsx. */
    from: 'dist' | 'src';
    /** How many seconds dist/ was older than the newest src/ file (null when running src/). */
    distLagSeconds: number | null;
  };
  /** Requested systems that could not run, and why. */
  skipped: { system: SystemName; reason: string }[];
  /** The Python interpreters found and what they can import. */
  python: { executable: string; version: string; numpy: string | null; torch: string | null }[];
  /** OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as the orchestrator saw them (null: unset). */
  environment: Record<string, string | null>;
  /** Backend details reported by the workers (tapegrad kernels, BLAS and its kernel, tfjs backend and SIMD). */
  backends: Partial<Record<SystemName, Record<string, unknown>>>;
  /** Every process's raw output, in the order they ran. */
  samples: WorkerResult[];
  /** Failed processes: which, and the end of their stderr. */
  errors: { system: SystemName; workload: WorkloadName; repeat: number; message: string }[];
  /** Median over processes for every system and metric key. */
  medians: Partial<Record<SystemName, Record<string, number>>>;
  /** Caveats per system and workload (caps, extrapolation, unmeasurable metrics). */
  notes: Partial<Record<SystemName, Partial<Record<WorkloadName, string[]>>>>;
  /** Ratios of tapegrad against every other system; `best` marks the one against the best other system. */
  ratios: RatioRow[];
  /** Whether every system that did the whole workload reached the same result. */
  checks: CheckRow[];
  /** The goals of issue 11 with this run's ratios. */
  goals: GoalRow[];
}

export interface RatioRow { key: string; tapegrad: SystemName; other: SystemName; ratio: number; text: string; best: boolean }
export interface CheckRow { key: string; values: Partial<Record<SystemName, number>>; spread: number; tolerance: number; ok: boolean; text: string }
export interface GoalRow { goal: string; target: number; ratio: number | null; against: string | null; met: boolean | null }

/** Medians over processes, per system and metric key. */
export function medians(samples: readonly WorkerResult[]): Partial<Record<SystemName, Record<string, number>>> {
  const grouped = new Map<SystemName, Map<string, number[]>>();
  for (const s of samples) {
    const bySystem = grouped.get(s.system) ?? new Map<string, number[]>();
    grouped.set(s.system, bySystem);
    for (const [key, value] of Object.entries(s.metrics)) bySystem.set(key, [...(bySystem.get(key) ?? []), value]);
  }
  const out: Partial<Record<SystemName, Record<string, number>>> = {};
  for (const [system, byKey] of grouped) out[system] = Object.fromEntries([...byKey].map(([k, v]) => [k, median(v)]));
  return out;
}

/**
 * How many times better tapegrad is than another system on a metric (above 1: tapegrad better),
 * whichever direction the metric runs; null when it has no direction or a value is missing.
 */
export function ratio(def: MetricDef, tapegrad: number | undefined, other: number | null | undefined): number | null {
  if (tapegrad === undefined || other === undefined || other === null || def.better === 'none') return null;
  if (!(tapegrad > 0 && other > 0)) return null;
  return def.better === 'higher' ? tapegrad / other : other / tapegrad;
}

/** "×3.1 faster", "×2.0 slower" or "same". */
export function ratioText(r: number): string {
  if (r >= 0.995 && r <= 1.005) return 'same';
  return r >= 1 ? `×${fmtNum(r)} faster` : `×${fmtNum(1 / r)} slower`;
}

/** Three significant figures, with thousands separated by a thin space so wide rates stay readable. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const [int, frac] = v.toFixed(digits).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

function fmtMetric(def: MetricDef, v: number | undefined): string {
  if (v === undefined) return '—';
  if (def.unit === 'cost') return v.toPrecision(5);
  return def.unit === '' ? `${(100 * v).toFixed(2)} %` : fmtNum(v);
}

const TAPEGRAD: readonly SystemName[] = ['tapegrad-f32', 'tapegrad-f64'];
/** tapegrad on its wasm kernels: not a competitor of the native runs, compared with tfjs-wasm only. */
const WASM: SystemName = 'tapegrad-wasm';

/** The best value of `key` among `systems` (by the metric's direction) and who has it. */
export function bestOf(def: MetricDef, med: BenchResults['medians'], systems: readonly SystemName[]): { system: SystemName; value: number } | null {
  let best: { system: SystemName; value: number } | null = null;
  for (const s of systems) {
    const v = med[s]?.[def.key];
    if (v === undefined || !(v > 0)) continue;
    if (best === null || (def.better === 'higher' ? v > best.value : v < best.value)) best = { system: s, value: v };
  }
  return best;
}

/** Every ratio of tapegrad-f32 and tapegrad-f64 against every other system that ran, the best other marked. */
export function allRatios(med: BenchResults['medians'], systems: readonly SystemName[]): RatioRow[] {
  const out: RatioRow[] = [];
  const others = systems.filter((s) => !TAPEGRAD.includes(s) && s !== WASM);
  for (const def of METRICS) {
    const best = bestOf(def, med, others);
    for (const tg of TAPEGRAD) {
      for (const other of others) {
        const r = ratio(def, med[tg]?.[def.key], med[other]?.[def.key]);
        if (r !== null) out.push({ key: def.key, tapegrad: tg, other, ratio: r, text: ratioText(r), best: other === best?.system });
      }
    }
    const r = systems.includes(WASM) && systems.includes('tfjs-wasm') ? ratio(def, med[WASM]?.[def.key], med['tfjs-wasm']?.[def.key]) : null;
    if (r !== null) out.push({ key: def.key, tapegrad: WASM, other: 'tfjs-wasm', ratio: r, text: ratioText(r), best: false });
  }
  return out;
}

/** What "the same result" allows: test accuracies within 0.5 points (50 of 10 000 images), the W3 cost within 1 %. */
export const CHECKS: readonly { key: string; workload: WorkloadName; tolerance: number; relative: boolean }[] = [
  { key: 'W1 accuracy', workload: 'W1', tolerance: 0.005, relative: false },
  { key: 'W2 accuracy', workload: 'W2', tolerance: 0.005, relative: false },
  { key: 'W3 cost', workload: 'W3', tolerance: 0.01, relative: true },
];

/**
 * The same-result checks: every system that did as many steps as tapegrad-f32 (capped ones did fewer, so they
 * are left out) must agree within the tolerance. Float32 and float64 runs drift apart a little over 1 200 steps,
 * which is what the tolerance is for; a wrong gradient or a different start would be far outside it.
 */
export function checks(med: BenchResults['medians'], notes: BenchResults['notes']): CheckRow[] {
  const out: CheckRow[] = [];
  for (const c of CHECKS) {
    const values: Partial<Record<SystemName, number>> = {};
    // Systems that did as many steps as tapegrad-f32 (a cap note that differs from its own means fewer).
    const capOf = (system: SystemName): string => (notes[system]?.[c.workload] ?? []).filter((n) => /extrapolated|rate over/.test(n)).join('; ');
    const reference = capOf('tapegrad-f32');
    for (const [system, byKey] of Object.entries(med) as [SystemName, Record<string, number>][]) {
      if (capOf(system) === reference && byKey[c.key] !== undefined) values[system] = byKey[c.key];
    }
    const vs = Object.values(values) as number[];
    if (vs.length < 2) continue;
    const hi = Math.max(...vs);
    const lo = Math.min(...vs);
    const spread = c.relative ? (hi - lo) / Math.abs(hi) : hi - lo;
    const ok = spread <= c.tolerance;
    const show = (v: number): string => (c.relative ? v.toPrecision(5) : `${(100 * v).toFixed(2)} %`);
    const spreadText = c.relative ? `${(100 * spread).toFixed(3)} %` : `${(100 * spread).toFixed(2)} points`;
    const tolText = c.relative ? `${100 * c.tolerance} %` : `${100 * c.tolerance} points`;
    const text = `${c.key}: ${Object.entries(values).map(([s, v]) => `${s} ${show(v!)}`).join(', ')}; spread ${spreadText} (allowed ${tolText}): ${ok ? 'OK' : 'MISMATCH'}`;
    out.push({ key: c.key, values, spread, tolerance: c.tolerance, ok, text });
  }
  return out;
}

/** One goal of issue 11: tapegrad's ratio on a metric against the best of a group of systems must reach `target`. */
export interface Goal { goal: string; evaluate: (med: BenchResults['medians'], ratios: readonly RatioRow[]) => GoalRow }

const NUMPY: readonly SystemName[] = ['numpy', 'numpy-env-unset'];

function goal(text: string, key: string, tapegrad: SystemName, against: readonly SystemName[], target: number): Goal {
  return {
    goal: text,
    evaluate: (med) => {
      const def = METRICS.find((m) => m.key === key)!;
      const best = bestOf(def, med, against);
      const r = best === null ? null : ratio(def, med[tapegrad]?.[key], best.value);
      return { goal: text, target, ratio: r, against: best?.system ?? null, met: r === null ? null : r >= target };
    },
  };
}

/** Issue 11's goals that `npm run bench` measures (the wasm ones: tapegrad-wasm against tfjs-wasm, in Node). */
export const GOALS: readonly Goal[] = [
  goal('W1 f32 ≥ 1.5× the faster of numpy and PyTorch', 'W1 epoch', 'tapegrad-f32', [...NUMPY, 'torch'], 1.5),
  goal('W1 f64 ≥ 1.2× the faster of numpy and PyTorch', 'W1 epoch', 'tapegrad-f64', [...NUMPY, 'torch'], 1.2),
  goal('W2 f32 ≥ 2× numpy', 'W2 rate', 'tapegrad-f32', NUMPY, 2),
  goal('W2 f64 ≥ 2× numpy', 'W2 rate', 'tapegrad-f64', NUMPY, 2),
  goal('W3 f32 ≥ 2× numpy', 'W3 rate', 'tapegrad-f32', NUMPY, 2),
  goal('W3 f64 ≥ 2× numpy', 'W3 rate', 'tapegrad-f64', NUMPY, 2),
  goal('W4 f32 1024³ ≥ 1.0× OpenBLAS', 'W4 f32 1024x1024x1024', 'tapegrad-f32', NUMPY, 1),
  goal('W4 f32 50×784×128 ≥ 1.0× OpenBLAS', 'W4 f32 50x784x128', 'tapegrad-f32', NUMPY, 1),
  goal('W4 f64 1024³ ≥ 1.0× OpenBLAS', 'W4 f64 1024x1024x1024', 'tapegrad-f64', NUMPY, 1),
  goal('W4 f64 50×784×128 ≥ 1.0× OpenBLAS', 'W4 f64 50x784x128', 'tapegrad-f64', NUMPY, 1),
  goal('W5 ≥ 10× PyTorch (after 20 warm-up runs)', 'W5 per-op', 'tapegrad-f32', ['torch'], 10),
  goal('W1 f32 peak RSS ≤ numpy\'s', 'W1 peak RSS', 'tapegrad-f32', NUMPY, 1),
  goal('W1 f64 peak RSS ≤ numpy\'s', 'W1 peak RSS', 'tapegrad-f64', NUMPY, 1),
  goal('wasm W1 ≥ 1.5× TensorFlow.js wasm', 'W1 epoch', WASM, ['tfjs-wasm'], 1.5),
  goal('wasm W2 ≥ 1.5× TensorFlow.js wasm', 'W2 rate', WASM, ['tfjs-wasm'], 1.5),
  goal('wasm W3 ≥ 1.5× TensorFlow.js wasm', 'W3 rate', WASM, ['tfjs-wasm'], 1.5),
  goal('wasm W4 f32 50×784×128 ≥ 1.5× TensorFlow.js wasm', 'W4 f32 50x784x128', WASM, ['tfjs-wasm'], 1.5),
  goal('wasm W4 f32 1024³ ≥ 1.5× TensorFlow.js wasm', 'W4 f32 1024x1024x1024', WASM, ['tfjs-wasm'], 1.5),
];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable report: machine, both tables, caveats and errors. */
export function formatReport(res: BenchResults): string {
  const { machine: m, options: o } = res;
  const systems = o.systems;
  const out: string[] = [];
  out.push(`tapegrad benchmark — ${res.startedAt}, ${res.seconds.toFixed(0)} s`);
  out.push(`machine: ${m.cpu}, ${m.cores} cores, ${m.totalMemoryGB.toFixed(1)} GB, Node ${m.node} (${m.platform}); shared and noisy, so read ratios, not digits`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join('/');
  out.push(`load average (1/5/15 min): ${load(m.loadAverage.before)} at start, ${load(m.loadAverage.after)} at end`);
  const busiest = Math.max(m.loadAverage.before[0] ?? 0, m.loadAverage.after[0] ?? 0);
  if (busiest > m.cores) {
    out.push(`WARNING: load average ${busiest.toFixed(1)} on ${m.cores} cores — other processes competed for the CPU; absolute numbers are unreliable, ratios less so`);
  }
  out.push(`mode: ${o.mode}; medians of ${o.repeat} process${o.repeat === 1 ? '' : 'es'} per system × workload; `
    + (o.from === 'dist' ? 'children: plain node on the built dist/' : 'children: src/ under tsx (its loader costs ~15 %)'));
  if (o.distLagSeconds !== null && o.distLagSeconds > 0) {
    out.push(`WARNING: dist/ is ${o.distLagSeconds.toFixed(0)} s older than src/ — tapegrad ran the last build, not the current sources (npm run build)`);
  }
  for (const [system, info] of Object.entries(res.backends)) {
    const { kernels, kernelBackendsByProcess, ...rest } = info;
    const k = kernels as { backend?: string; threads?: number } | undefined;
    const kernelText = k === undefined ? '' : ` kernels ${JSON.stringify(kernelBackendsByProcess ?? k.backend)} (threads ${k.threads ?? '?'})`;
    out.push(`${system}: ${JSON.stringify(rest)}${kernelText}`);
  }
  for (const k of res.skipped) out.push(`skipped ${k.system}: ${k.reason}`);
  const env = Object.entries(res.environment).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(', ');
  if (env !== '') out.push(`environment: ${env}`);
  const marked = (system: SystemName, workload: WorkloadName): string => ((res.notes[system]?.[workload]?.length ?? 0) > 0 ? ' †' : '');

  const defs = METRICS.filter((d) => o.workloads.includes(d.workload)
    && systems.some((s) => res.medians[s]?.[d.key] !== undefined));
  const best = (d: MetricDef, tg: SystemName): string => {
    const r = res.ratios.find((x) => x.key === d.key && x.tapegrad === tg && (x.best || tg === WASM));
    return r === undefined ? '' : `×${fmtNum(r.ratio)}`;
  };
  const hasTg = [...TAPEGRAD, ...(systems.includes('tfjs-wasm') ? [WASM] : [])].filter((t) => systems.includes(t));
  const header = ['metric', 'unit', ...systems, ...hasTg.map((t) => (t === WASM ? 'wasm ÷ tfjs-wasm' : `${t.slice('tapegrad-'.length)} ÷ best`)), 'best other'];
  const rows = defs.map((d) => {
    const other = res.ratios.find((x) => x.key === d.key && x.best)?.other ?? '';
    return [d.label, d.unit, ...systems.map((s) => {
      const v = res.medians[s]?.[d.key];
      return v === undefined ? '—' : fmtMetric(d, v) + marked(s, d.workload);
    }), ...hasTg.map((t) => best(d, t)), other];
  });
  out.push('', 'This run (medians; "÷ best": how many times better tapegrad is than the best other system, above 1 = tapegrad ahead)');
  out.push(table(header, rows));
  if (systems.includes(WASM) && systems.includes('tfjs-wasm')) {
    // The wasm ratios compare two thread counts: say which.
    const ours = (res.backends[WASM]?.['kernels'] as { threads?: number } | undefined)?.threads;
    const theirs = res.backends['tfjs-wasm']?.['threads'];
    out.push(`wasm threads: tapegrad-wasm ${ours ?? '?'} (large products shared with worker threads), `
      + `tfjs-wasm ${theirs === true ? 'multithreaded' : theirs === false ? '1 (its wasm threads are off in Node)' : '?'}`);
  }

  if (res.checks.length > 0) out.push('', 'Same result (systems that did the same steps from the same initial weights):', ...res.checks.map((c) => `  ${c.text}`));
  const goalRows = res.goals.map((g) => [g.goal, g.ratio === null ? '—' : `×${fmtNum(g.ratio)}`, g.against ?? '', g.met === null ? 'not measured' : g.met ? 'met' : 'NOT met']);
  out.push('', 'Goals:');
  out.push(table(['goal', 'ratio', 'against', ''], goalRows));

  const noteLines = systems.flatMap((s) => Object.entries(res.notes[s] ?? {})
    .flatMap(([w, notes]) => (notes ?? []).map((n) => `  † ${s} ${w}: ${n}`)));
  if (noteLines.length > 0) out.push('', 'Caveats:', ...new Set(noteLines));
  if (res.errors.length > 0) {
    out.push('', 'FAILED processes:', ...res.errors.map((e) => `  ${e.system} ${e.workload} #${e.repeat}: ${e.message}`));
  }
  return out.join('\n');
}
