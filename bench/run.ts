/**
 * The side-by-side benchmark: runs W1–W5 for every system, each in its own child process,
 * takes medians over repeated processes, prints tables with ratios and writes bench/results.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DATA_ENV, DEFAULT_SYSTEMS, OPENBLAS_ENV, PYTHON_SYSTEMS, RESULT_MARKER, SYSTEMS, TAPEGRAD_WASM_ENV, WORKLOADS, capNotes, planFor } from './common.js';
import type { Mode, SystemName, WorkerResult, WorkloadName } from './common.js';
import { compileWorkers, distLag } from './compile.js';
import { writeBenchData } from './data.js';
import { GOALS, allRatios, checks, formatReport, medians } from './report.js';
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
  --full                no caps: tfjs cpu/wasm run every step the workloads specify (takes many minutes)
  --repeat N            processes per system × workload, median taken (default 3)
  --only W1,W3          workloads to run (default all: ${WORKLOADS.join(',')})
  --systems a,b         systems to run (default ${DEFAULT_SYSTEMS.join(',')}; also tfjs-cpu).
                        numpy and torch run bench/numpy_bench.py under the first Python that has them
                        ($TAPEGRAD_BENCH_PYTHON, python3 on PATH, /usr/bin/python3); numpy-env-unset is numpy
                        with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE removed from its environment (run only when set).
                        A system that is missing is skipped with a line saying so.
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
    mode: 'default', repeat: 3, systems: [...DEFAULT_SYSTEMS], workloads: [...WORKLOADS], out: join(HERE, 'results.json'),
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

/** How to start one system's child: the program, its leading arguments and extra environment. */
export interface Launcher {
  command: string;
  args: string[];
  /** Variables to set (a null value removes the variable from the child's environment). */
  env: Record<string, string | null>;
}

/** A Python interpreter and what it can import. */
export interface PythonFound { executable: string; version: string; numpy: string | null; torch: string | null }

/**
 * The interpreters to try, in order: $TAPEGRAD_BENCH_PYTHON, python3 on PATH (here a pyenv Python with
 * numpy 2 but no torch), then Debian's /usr/bin/python3 (where apt's python3-torch lives).
 */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [...new Set([env['TAPEGRAD_BENCH_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== ''))];
}

/** Asks each candidate for its version and its numpy and torch versions (null when absent); unusable ones are left out. */
export function findPythons(candidates = pythonCandidates()): PythonFound[] {
  const probe = 'import sys, json, importlib.util as u\n'
    + 'def v(m):\n  if u.find_spec(m) is None: return None\n  try: return __import__(m).__version__\n  except Exception: return None\n'
    + 'print(json.dumps([sys.executable, sys.version.split()[0], v("numpy"), v("torch")]))';
  const found: PythonFound[] = [];
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) continue;
    try {
      const [executable, version, numpy, torch] = JSON.parse(r.stdout.trim().split('\n').pop()!) as [string, string, string | null, string | null];
      if (!found.some((f) => f.executable === executable)) found.push({ executable, version, numpy, torch });
    } catch { /* not a Python that prints JSON */ }
  }
  return found;
}

/**
 * How to run each requested system, or why it is skipped. Python systems take the first interpreter
 * that has their module (numpy: numpy; torch: torch and numpy).
 */
export function resolveSystems(
  systems: readonly SystemName[], pythons: readonly PythonFound[], env: Record<string, string | undefined> = process.env,
): { run: SystemName[]; skipped: { system: SystemName; reason: string }[]; python: Partial<Record<SystemName, PythonFound>> } {
  const run: SystemName[] = [];
  const skipped: { system: SystemName; reason: string }[] = [];
  const python: Partial<Record<SystemName, PythonFound>> = {};
  const tried = pythonCandidates(env).join(', ');
  const numpy = pythons.find((p) => p.numpy !== null);
  const torch = pythons.find((p) => p.torch !== null && p.numpy !== null);
  for (const s of systems) {
    if (s === 'numpy' || s === 'numpy-env-unset') {
      if (numpy === undefined) { skipped.push({ system: s, reason: `no Python with numpy found (tried ${tried})` }); continue; }
      const set = OPENBLAS_ENV.filter((k) => env[k] !== undefined);
      if (s === 'numpy-env-unset' && set.length === 0) {
        skipped.push({ system: s, reason: `${OPENBLAS_ENV.join(' and ')} are not set, so numpy already ran with OpenBLAS's own kernel choice` });
        continue;
      }
      python[s] = numpy;
    } else if (s === 'torch') {
      if (torch === undefined) {
        skipped.push({ system: s, reason: `no Python with torch and numpy found (tried ${tried}; Debian: apt-get install python3-torch python3-numpy libopenblas0-pthread)` });
        continue;
      }
      python[s] = torch;
    }
    run.push(s);
  }
  return { run, skipped, python };
}

/** The launcher of a Node system (`worker` null: the TypeScript worker under tsx) or a Python one. */
export function launcherFor(system: SystemName, worker: string | null, python: PythonFound | undefined, profileDir: string | null): Launcher {
  if ((PYTHON_SYSTEMS as readonly string[]).includes(system)) {
    if (python === undefined) throw new Error(`bench: no Python for ${system}`);
    const env: Record<string, string | null> = {};
    if (system === 'numpy-env-unset') for (const k of OPENBLAS_ENV) env[k] = null;
    return { command: python.executable, args: [join(HERE, 'numpy_bench.py')], env };
  }
  const args = worker === null ? ['--import', 'tsx'] : [];
  // No --cpu-prof-name: tsx's loader runs in a second thread whose profile would overwrite the main one under a fixed name.
  if (profileDir !== null) args.push('--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', profileDir);
  return { command: process.execPath, args: [...args, worker ?? join(HERE, 'worker.ts')], env: system === 'tapegrad-wasm' ? { ...TAPEGRAD_WASM_ENV } : {} };
}

/** Runs one child process and returns its parsed result (the line after {@link RESULT_MARKER} in its stdout). */
export function runWorker(system: SystemName, workload: WorkloadName, mode: Mode, launcher: Launcher, dataDir: string): Promise<WorkerResult> {
  const env: Record<string, string | undefined> = { ...process.env, [DATA_ENV]: dataDir };
  for (const [k, v] of Object.entries(launcher.env)) env[k] = v ?? undefined;
  for (const [k, v] of Object.entries(launcher.env)) if (v === null) delete env[k];
  const isPython = (PYTHON_SYSTEMS as readonly string[]).includes(system);
  // Python gets the plan itself (counts already capped); the Node worker derives it from the mode.
  const tail = isPython ? [system, workload, JSON.stringify({ ...planFor(system, mode), mode })] : [system, workload, mode];
  const child = spawn(launcher.command, [...launcher.args, ...tail], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
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
      const result = JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult;
      if (isPython) result.notes = [...capNotes(workload, planFor(system, mode)), ...result.notes];
      resolvePromise(result);
    });
  });
}

/** The order of the systems in round `round` (0-based): the list rotated by the round, so no system always goes first. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const k = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
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

/**
 * Every child of the run, in rounds: round r runs every workload for every system once, the systems
 * in an order rotated by r, so ratios come from near-simultaneous processes and no system always goes
 * first (or last) after another's load. Each failed child is rerun once.
 */
async function runAll(
  options: BenchOptions, systems: readonly SystemName[], worker: string | null, python: Partial<Record<SystemName, PythonFound>>, dataDir: string,
): Promise<{ samples: WorkerResult[]; errors: BenchResults['errors'] }> {
  const samples: WorkerResult[] = [];
  const errors: BenchResults['errors'] = [];
  const total = options.repeat * options.workloads.length * systems.length;
  if (options.profileDir !== null) mkdirSync(options.profileDir, { recursive: true });
  let done = 0;
  for (let rep = 1; rep <= options.repeat; rep++) {
    for (const workload of options.workloads) {
      for (const system of rotated(systems, rep - 1)) {
        const t0 = Date.now();
        const profile = options.profileDir === null ? null : join(options.profileDir, `${system}-${workload}-${rep}`);
        const launcher = launcherFor(system, worker, python[system], profile);
        let status: string;
        let outcome = await tryWorker(system, workload, options.mode, launcher, dataDir);
        if (outcome instanceof Error) {
          // One rerun: in a working tree that others edit, a child can start while a source file is half-written.
          const first = outcome;
          await new Promise((r) => setTimeout(r, 3000));
          outcome = await tryWorker(system, workload, options.mode, launcher, dataDir);
          if (!(outcome instanceof Error)) outcome.notes.push(`a process failed once and was rerun (${errorLine(first)})`);
        }
        if (outcome instanceof Error) {
          errors.push({ system, workload, repeat: rep, message: outcome.message });
          status = `FAILED (${errorLine(outcome)})`;
        } else {
          samples.push(outcome);
          status = Object.entries(outcome.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ') || outcome.notes.join('; ');
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
  const needPython = options.systems.some((s) => (PYTHON_SYSTEMS as readonly string[]).includes(s));
  const pythons = needPython ? findPythons() : [];
  const resolved = resolveSystems(options.systems, pythons);
  if (options.progress) for (const s of resolved.skipped) process.stderr.write(`skipped ${s.system}: ${s.reason}\n`);
  const compiled = options.from === 'dist' ? compileWorkers(ROOT) : null;
  // The inputs every system reads: one set of initial weights, one shuffle, one copy of MNIST.
  const dataDir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-data-'));
  let run: { samples: WorkerResult[]; errors: BenchResults['errors'] };
  try {
    writeBenchData(dataDir);
    run = await runAll(options, resolved.run, compiled?.worker ?? null, resolved.python, dataDir);
  } finally {
    compiled?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
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
  const ratios = allRatios(med, resolved.run);
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: { cpu: cpuModel(), cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}`, totalMemoryGB: totalmem() / 2 ** 30,
      loadAverage: { before: loadBefore, after: loadavg() } },
    options: { mode: options.mode, repeat: options.repeat, systems: resolved.run, workloads: options.workloads, from: options.from, distLagSeconds },
    skipped: resolved.skipped,
    python: pythons,
    environment: Object.fromEntries(OPENBLAS_ENV.map((k) => [k, process.env[k] ?? null])),
    backends, samples, errors, medians: med, notes, ratios,
    checks: checks(med, notes),
    goals: GOALS.map((g) => g.evaluate(med, ratios)),
  };
  if (options.out !== null) {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  }
  return results;
}

/** The CPU as /proc/cpuinfo names it, with family/model/stepping (the model name alone, e.g. "AMD EPYC", hides the generation). */
export function cpuModel(): string {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
    const name = field('model name') ?? cpus()[0]?.model ?? 'unknown';
    const fam = field('cpu family');
    return fam === undefined ? name : `${name} (family ${fam}, model ${field('model')}, stepping ${field('stepping')})`;
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
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
