/**
 * Summarises V8 .cpuprofile files (from `bench/run.ts --profile DIR`): the functions with the most self time.
 * Usage: npx tsx bench/profile.ts [--top N] FILE.cpuprofile...
 */
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One row of the summary: a function (name and source location) and its share of self time. */
export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

/** Self time per function (summed over every node of the same function and place), largest first. */
export function selfTimes(profile: Profile, root = process.cwd()): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next sample, so the last one gets none.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    micros.set(id, (micros.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...micros.values()].reduce((a, b) => a + b, 0) || 1;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const place = (frame: ProfileNode['callFrame']): string => {
    const file = frame.url.startsWith('file://') ? relative(root, fileURLToPath(frame.url)) : frame.url;
    // Under tsx every line number is 1 (its output is one line), so only real ones are shown.
    return file === '' ? '' : frame.lineNumber > 0 ? `${file}:${frame.lineNumber + 1}` : file;
  };
  const grouped = new Map<string, SelfTime>();
  for (const [id, us] of micros) {
    const frame = byId.get(id)!.callFrame;
    let where = place(frame);
    let name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const caller = parent.get(id);
    if (frame.url === '' && name === '(anonymous)' && caller !== undefined) {
      // Code made with `new Function` (tapegrad's element-wise kernels) has no URL: name it by its caller.
      const up = byId.get(caller)!.callFrame;
      name = `(generated code, called by ${up.functionName || 'anonymous'})`;
      where = place(up);
    }
    const key = `${name}@${where}`;
    const row = grouped.get(key) ?? { name, where, ms: 0, percent: 0 };
    row.ms += us / 1000;
    row.percent += (100 * us) / total;
    grouped.set(key, row);
  }
  return [...grouped.values()].sort((a, b) => b.ms - a.ms);
}

function main(args: string[]): number {
  let top = 15;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else files.push(args[i]!);
  }
  if (files.length === 0 || !(top > 0)) {
    console.error('usage: npx tsx bench/profile.ts [--top N] FILE.cpuprofile...');
    return 2;
  }
  for (const file of files) {
    const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    console.log(`\n${basename(file)} — top ${top} functions by self time`);
    for (const r of rows.slice(0, top)) {
      console.log(`${r.percent.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}  ${r.where}`);
    }
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
