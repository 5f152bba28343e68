/** One benchmark child process: runs one workload on one system and prints its result as a marked JSON line. */
import { cpus } from 'node:os';
import { RESULT_MARKER, SYSTEMS, WORKLOADS, capNotes, planFor } from './common.js';
import type { Mode, SystemName, WorkerResult, WorkloadName } from './common.js';

function parse<T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`bench worker: bad ${what} ${JSON.stringify(value)} (expected one of ${allowed.join(', ')})`);
  }
  return value as T;
}

async function main(argv: string[]): Promise<void> {
  const system: SystemName = parse('system', argv[0], SYSTEMS);
  const workload: WorkloadName = parse('workload', argv[1], WORKLOADS);
  const mode: Mode = parse('mode', argv[2], ['quick', 'default', 'full'] as const);
  const plan = planFor(system, mode);
  const measured = system.startsWith('tfjs')
    ? await (await import('./tfjs.js')).runTfjs(system === 'tfjs-cpu' ? 'cpu' : 'wasm', workload, plan)
    : await (await import('./tapegrad.js')).runTapegrad(system === 'tapegrad-f64' ? 'float64' : 'float32', workload, plan);
  const result: WorkerResult = {
    system, workload, mode,
    metrics: measured.metrics,
    notes: [...capNotes(workload, plan), ...measured.notes],
    info: { ...measured.info, cpu: cpus()[0]?.model ?? 'unknown', pid: process.pid },
  };
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
