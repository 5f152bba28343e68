/** Turns the collected samples into medians, ratios and the printed tables. */
import { METRICS, median } from './common.js';
import type { MetricDef, Mode, SystemName, WorkerResult, WorkloadName } from './common.js';
import { REFERENCES, REFERENCE_SOURCE } from './reference.js';

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
    mode: Mode; repeat: number; systems: SystemName[]; workloads: WorkloadName[];
    /** What the children ran: the built dist/ under plain node, or src/ under tsx. */
    from: 'dist' | 'src';
    /** How many seconds dist/ was older than the newest src/ file (null when running src/). */
    distLagSeconds: number | null;
  };
  /** Backend details reported by the workers (tapegrad kernels, tfjs backend and SIMD). */
  backends: Partial<Record<SystemName, Record<string, unknown>>>;
  /** Every process's raw output, in the order they ran. */
  samples: WorkerResult[];
  /** Failed processes: which, and the end of their stderr. */
  errors: { system: SystemName; workload: WorkloadName; repeat: number; message: string }[];
  /** Median over processes for every system and metric key. */
  medians: Partial<Record<SystemName, Record<string, number>>>;
  /** Caveats per system and workload (caps, extrapolation, unmeasurable metrics). */
  notes: Partial<Record<SystemName, Partial<Record<WorkloadName, string[]>>>>;
  /** Ratios of tapegrad against every other system (see {@link ratio}). */
  ratios: { key: string; tapegrad: SystemName; other: string; ratio: number; text: string }[];
  reference: { source: string; rows: typeof REFERENCES };
}

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
  return def.unit === '' ? `${(100 * v).toFixed(2)} %` : fmtNum(v);
}

/** The tapegrad system a metric's ratios are taken for: float64 rows use tapegrad-f64, every other row tapegrad-f32. */
export function tapegradFor(def: MetricDef): SystemName {
  return def.key.startsWith('W4 f64') ? 'tapegrad-f64' : 'tapegrad-f32';
}

/** All ratios of tapegrad against the other systems of this run and against issue 5's numpy and PyTorch figures. */
export function allRatios(med: BenchResults['medians']): BenchResults['ratios'] {
  const out: BenchResults['ratios'] = [];
  for (const def of METRICS) {
    const tg = tapegradFor(def);
    const mine = med[tg]?.[def.key];
    const others: [string, number | null | undefined][] = [
      ['tfjs-cpu', med['tfjs-cpu']?.[def.key]], ['tfjs-wasm', med['tfjs-wasm']?.[def.key]],
    ];
    const ref = REFERENCES.find((r) => r.key === def.key);
    if (ref !== undefined) others.push(['numpy (earlier)', ref.numpy], ['PyTorch (earlier)', ref.pytorch]);
    for (const [other, value] of others) {
      const r = ratio(def, mine, value);
      if (r !== null) out.push({ key: def.key, tapegrad: tg, other, ratio: r, text: ratioText(r) });
    }
  }
  return out;
}

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
  const marked = (system: SystemName, workload: WorkloadName): string => ((res.notes[system]?.[workload]?.length ?? 0) > 0 ? ' †' : '');

  const defs = METRICS.filter((d) => o.workloads.includes(d.workload)
    && systems.some((s) => res.medians[s]?.[d.key] !== undefined));
  const others = systems.filter((s) => !s.startsWith('tapegrad'));
  const header = ['metric', 'unit', ...systems, ...others.map((s) => `tapegrad vs ${s}`)];
  const rows = defs.map((d) => {
    const tg = tapegradFor(d);
    return [d.label, d.unit, ...systems.map((s) => {
      const v = res.medians[s]?.[d.key];
      return v === undefined ? '—' : fmtMetric(d, v) + marked(s, d.workload);
    }), ...others.map((s) => {
      const r = ratio(d, res.medians[tg]?.[d.key], res.medians[s]?.[d.key]);
      return r === null ? '' : ratioText(r);
    })];
  });
  out.push('', 'This run (ratios: tapegrad-f32, or tapegrad-f64 on f64 rows, against each system; "faster" = better)');
  out.push(table(header, rows));
  if (defs.some((d) => d.key.startsWith('W4 f64'))) out.push('(tfjs has no float64, so the W4 f64 rows are tapegrad only)');

  const refRows = REFERENCES.filter((r) => defs.some((d) => d.key === r.key)).map((r) => {
    const d = METRICS.find((x) => x.key === r.key)!;
    const mine = res.medians[r.goalSystem]?.[r.key];
    const vs = (v: number | null): string => { const q = ratio(d, mine, v); return q === null ? '—' : ratioText(q); };
    const met = mine === undefined ? '' : (d.better === 'higher' ? mine >= r.goal : mine <= r.goal) ? 'met' : 'NOT met';
    return [d.label, d.unit, mine === undefined ? '—' : fmtNum(mine),
      r.numpy === null ? '—' : fmtNum(r.numpy), vs(r.numpy), r.pytorch === null ? '—' : fmtNum(r.pytorch), vs(r.pytorch),
      `${d.better === 'higher' ? '≥' : '≤'} ${fmtNum(r.goal)}`, met];
  });
  if (refRows.length > 0) {
    out.push('', `Against numpy and PyTorch — measured earlier, NOT in this run (${REFERENCE_SOURCE})`);
    out.push(table(['metric', 'unit', 'tapegrad-f32', 'numpy*', 'vs numpy*', 'PyTorch*', 'vs PyTorch*', 'goal', ''], refRows));
  }

  const noteLines = systems.flatMap((s) => Object.entries(res.notes[s] ?? {})
    .flatMap(([w, notes]) => (notes ?? []).map((n) => `  † ${s} ${w}: ${n}`)));
  if (noteLines.length > 0) out.push('', 'Caveats:', ...new Set(noteLines));
  if (res.errors.length > 0) {
    out.push('', 'FAILED processes:', ...res.errors.map((e) => `  ${e.system} ${e.workload} #${e.repeat}: ${e.message}`));
  }
  return out.join('\n');
}
