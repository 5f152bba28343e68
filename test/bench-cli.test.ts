/** `tapegrad bench`: the CLI command runs the same benchmark script (bench/run.ts) and passes its exit status on. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/bench.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tapegrad bench', () => {
  it('--help exits 0 and a bad flag exits 2', async () => {
    expect(await run(['--help'])).toBe(0);
    expect(await run(['--no-such-flag'])).toBe(2);
  }, 60_000);

  it('a quick W5 run for tapegrad-f32 writes the results file', async () => {
    const out = join(dir, 'cli.json');
    expect(await run(['--quick', '--systems', 'tapegrad-f32', '--only', 'W5', '--out', out])).toBe(0);
    expect(existsSync(out)).toBe(true);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { medians: Record<string, Record<string, number>> };
    expect(results.medians['tapegrad-f32']?.['W5 per-op']).toBeGreaterThan(0);
  }, 60_000);
});
