/**
 * The side-by-side benchmark: runs W1–W5 for every system, each in its own child process,
 * takes medians over repeated processes, prints tables with ratios and writes bench/results.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RESULT_MARKER, SYSTEMS, WORKLOADS } from './common.js';
import type { Mode, SystemName, WorkerResult, WorkloadName } from './common.js';
import { compileWorkers, distLag } from './compile.js';
import { REFERENCES, REFERENCE_SOURCE } from './reference.js';
import { allRatios, formatReport, medians } from './report.js';
import type { BenchResults } from './report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');

export interface BenchOptions {
  mode: Mode;
  repeat: number;
  systems: SystemName[];
  workloads: WorkloadName[];
  /** Where results.json goes (null: nowhere). */
  out: string | null;
  /** When set, every child runs under `--cpu-prof` and leaves a .cpuprofile here. */
  profileDir: string | null;
  /** Progress lines on stderr. */
  progress: boolean;
  /**
   * What the children run: `dist` (default) is plain node on the compiled package and on the bench transpiled
   * by bench/compile.ts; `src` runs the TypeScript sources under tsx (no build needed, ~15 % slower).
   */
  from: 'dist' | 'src';
}

export const USAGE = `usage: npm run bench -- [flags]   (or: npx tsx bench/run.ts [flags], npx tapegrad bench [flags])
  --quick               short smoke run (few steps, small sizes; 1 process unless --repeat)
  --full                no caps: tfjs cpu/wasm run every step issue 5 specifies (takes many minutes)
  --repeat N            processes per system × workload, median taken (default 3)
  --only W1,W3          workloads to run (default all: ${WORKLOADS.join(',')})
  --systems a,b         systems to run (default all: ${SYSTEMS.join(',')})
  --out FILE            where to write the JSON (default bench/results.json)
  --profile DIR         run every child under node --cpu-prof, writing DIR/<system>-<workload>-<n>/*.cpuprofile
                        (one per thread; summarise with npx tsx bench/profile.ts FILE...)
  --from dist|src       children run plain node on the built dist/ (default; npm run bench builds it first),
                        or the TypeScript sources under tsx (no build needed, but the loader costs ~15 %)
  --json                print the results as one JSON object on the last line of stdout`;

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (items.length === 0 || bad.length > 0) {
    throw new Error(`bench: ${flag} got ${JSON.stringify(value ?? '')}; expected a comma-separated subset of ${allowed.join(',')}`);
  }
  return allowed.filter((a) => items.includes(a));
}

/** Parses the command-line flags (see {@link USAGE}); throws an Error naming a bad flag or value. */
export function parseArgs(args: readonly string[]): BenchOptions & { json: boolean; help: boolean } {
  const o: BenchOptions & { json: boolean; help: boolean } = {
    mode: 'default', repeat: 3, systems: [...SYSTEMS], workloads: [...WORKLOADS], out: join(HERE, 'results.json'),
    profileDir: null, progress: true, from: 'dist', json: false, help: false,
  };
  let repeatGiven = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') o.mode = 'quick';
    else if (flag === '--full') o.mode = 'full';
    else if (flag === '--json') o.json = true;
    else if (flag === '--help' || flag === '-h') o.help = true;
    else if (flag === '--only') o.workloads = list(flag, value(), WORKLOADS);
    else if (flag === '--systems') o.systems = list(flag, value(), SYSTEMS);
    else if (flag === '--out') o.out = resolve(value());
    else if (flag === '--profile') o.profileDir = resolve(value());
    else if (flag === '--from') {
      const v = value();
      if (v !== 'dist' && v !== 'src') throw new Error(`bench: --from takes dist or src, got ${JSON.stringify(v)}`);
      o.from = v;
    }
    else if (flag === '--repeat') {
      const v = value();
      o.repeat = Number(v);
      repeatGiven = true;
      if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error(`bench: --repeat needs a positive integer, got ${JSON.stringify(v)}`);
    } else throw new Error(`bench: unknown flag ${JSON.stringify(flag)}\n${USAGE}`);
  }
  if (o.mode === 'quick' && !repeatGiven) o.repeat = 1;
  return o;
}

/**
 * Runs one child process and returns its parsed result: `node WORKER …` for a compiled worker (see
 * bench/compile.ts), `node --import tsx bench/worker.ts …` when `worker` is null.
 */
export function runWorker(
  system: SystemName, workload: WorkloadName, mode: Mode, profileDir: string | null, worker: string | null,
): Promise<WorkerResult> {
  const nodeArgs = worker === null ? ['--import', 'tsx'] : [];
  // No --cpu-prof-name: tsx's loader runs in a second thread whose profile would overwrite the main one under a fixed name.
  if (profileDir !== null) nodeArgs.push('--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', profileDir);
  const child = spawn(process.execPath, [...nodeArgs, worker ?? join(HERE, 'worker.ts'), system, workload, mode], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        // The error line and the first frames say what broke; a full stack would drown the table.
        const lines = stderr.trim().split('\n');
        const at = lines.findIndex((l) => /\w*Error\b.*:/.test(l));
        const tail = (at >= 0 ? lines.slice(at, at + 3) : lines.slice(-6)).join('\n    ');
        reject(new Error(`exit code ${code}${line === undefined ? ', no result line' : ''}${tail === '' ? '' : `:\n    ${tail}`}`));
        return;
      }
      resolvePromise(JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult);
    });
  });
}

function kernelOf(s: WorkerResult): string | undefined {
  return (s.info.kernels as { backend?: string } | undefined)?.backend;
}

/** How many processes of each system ran on each tapegrad kernel backend (systems without one are absent). */
export function kernelBackends(samples: readonly WorkerResult[]): Partial<Record<SystemName, Record<string, number>>> {
  const out: Partial<Record<SystemName, Record<string, number>>> = {};
  for (const s of samples) {
    const k = kernelOf(s);
    if (k === undefined) continue;
    const counts = (out[s.system] ??= {});
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return out;
}

/**
 * A caveat for every system × workload whose processes ran on different kernel backends: the native addon
 * can be missing for a moment (being rebuilt, or a failed build), and a process that fell back to the
 * reference kernels must not pass unnoticed behind a median.
 */
export function kernelNotes(samples: readonly WorkerResult[]): { system: SystemName; workload: WorkloadName; note: string }[] {
  const groups = new Map<string, WorkerResult[]>();
  for (const s of samples) groups.set(`${s.system} ${s.workload}`, [...(groups.get(`${s.system} ${s.workload}`) ?? []), s]);
  const out: { system: SystemName; workload: WorkloadName; note: string }[] = [];
  for (const group of groups.values()) {
    const backends = group.map((s) => kernelOf(s) ?? 'unknown');
    if (new Set(backends).size > 1) {
      out.push({ system: group[0]!.system, workload: group[0]!.workload, note: `kernel backend differed between processes: ${backends.join(', ')}` });
    }
  }
  return out;
}

function tryWorker(...args: Parameters<typeof runWorker>): Promise<WorkerResult | Error> {
  return runWorker(...args).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

/** The line of a child's failure that names the error (its stderr's error line, else the first line). */
function errorLine(err: Error): string {
  const lines = err.message.split('\n').map((l) => l.trim());
  return lines.find((l) => /\w*Error\b.*:/.test(l)) ?? lines[0] ?? '';
}

/** Every child of the run, round-robin over repeats, each failed child rerun once. */
async function runAll(options: BenchOptions, worker: string | null): Promise<{ samples: WorkerResult[]; errors: BenchResults['errors'] }> {
  const samples: WorkerResult[] = [];
  const errors: BenchResults['errors'] = [];
  const total = options.repeat * options.workloads.length * options.systems.length;
  if (options.profileDir !== null) mkdirSync(options.profileDir, { recursive: true });
  let done = 0;
  for (let rep = 1; rep <= options.repeat; rep++) {
    for (const workload of options.workloads) {
      for (const system of options.systems) {
        const t0 = Date.now();
        const profile = options.profileDir === null ? null : join(options.profileDir, `${system}-${workload}-${rep}`);
        let status: string;
        let outcome = await tryWorker(system, workload, options.mode, profile, worker);
        if (outcome instanceof Error) {
          // One rerun: in a working tree that others edit, a child can start while a source file is half-written.
          const first = outcome;
          await new Promise((r) => setTimeout(r, 3000));
          outcome = await tryWorker(system, workload, options.mode, profile, worker);
          if (!(outcome instanceof Error)) outcome.notes.push(`a process failed once and was rerun (${errorLine(first)})`);
        }
        if (outcome instanceof Error) {
          errors.push({ system, workload, repeat: rep, message: outcome.message });
          status = `FAILED (${errorLine(outcome)})`;
        } else {
          samples.push(outcome);
          status = Object.entries(outcome.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ');
        }
        done++;
        if (options.progress) process.stderr.write(`[${done}/${total}] ${system} ${workload} #${rep} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${status}\n`);
      }
    }
  }
  return { samples, errors };
}

/**
 * Runs the whole benchmark. Repeats go round-robin (all workloads and systems once, then again),
 * so a burst of load from another tenant on this shared machine hits every system alike.
 */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  const loadBefore = loadavg();
  const distLagSeconds = options.from === 'dist' ? distLag(ROOT) : null;
  const compiled = options.from === 'dist' ? compileWorkers(ROOT) : null;
  let run: { samples: WorkerResult[]; errors: BenchResults['errors'] };
  try {
    run = await runAll(options, compiled?.worker ?? null);
  } finally {
    compiled?.cleanup();
  }
  const { samples, errors } = run;
  const med = medians(samples);
  const notes: BenchResults['notes'] = {};
  const backends: BenchResults['backends'] = {};
  for (const s of samples) {
    const bySystem = (notes[s.system] ??= {});
    bySystem[s.workload] = [...new Set([...(bySystem[s.workload] ?? []), ...s.notes])];
    const { pid: _pid, cpu: _cpu, ...info } = s.info;
    backends[s.system] = { ...backends[s.system], ...info };
  }
  for (const [system, counts] of Object.entries(kernelBackends(samples))) {
    backends[system as SystemName] = { ...backends[system as SystemName], kernelBackendsByProcess: counts };
  }
  for (const { system, workload, note } of kernelNotes(samples)) {
    const bySystem = (notes[system] ??= {});
    bySystem[workload] = [...(bySystem[workload] ?? []), note];
  }
  for (const e of errors) {
    const ok = samples.filter((s) => s.system === e.system && s.workload === e.workload).length;
    const bySystem = (notes[e.system] ??= {});
    const note = ok === 0 ? 'every process failed (see FAILED below)' : `median of ${ok} of ${options.repeat} processes (the others failed)`;
    bySystem[e.workload] = [...new Set([...(bySystem[e.workload] ?? []), note])];
  }
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}`, totalMemoryGB: totalmem() / 2 ** 30,
      loadAverage: { before: loadBefore, after: loadavg() } },
    options: { mode: options.mode, repeat: options.repeat, systems: options.systems, workloads: options.workloads, from: options.from, distLagSeconds },
    backends, samples, errors, medians: med, notes, ratios: allRatios(med),
    reference: { source: REFERENCE_SOURCE, rows: REFERENCES },
  };
  if (options.out !== null) {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  }
  return results;
}

/** Command-line entry: returns the exit status (0 only when every process succeeded). */
export async function main(args: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(args);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const results = await runBench(options);
  console.log(formatReport(results));
  if (options.out !== null) console.log(`\nraw samples: ${options.out}`);
  if (options.json) console.log(JSON.stringify(results));
  return results.errors.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
