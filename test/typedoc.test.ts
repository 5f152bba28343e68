/** `npm run docs` must pass with zero warnings (typedoc.json treats warnings as errors). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('API reference', () => {
  it('typedoc validates every export with no warning', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/typedoc', ['--emit', 'none'], { encoding: 'utf8' });
    expect(stdout).not.toMatch(/\[warning\]|\[error\]/);
  }, 180_000);
});
