/**
 * The `tapegrad` command line as a user meets it: help and version, one-line usage errors before
 * anything runs, output formats decided by the file extension (real PNGs), and a progress line
 * that leaves a real terminal (tmux) readable after a multi-epoch run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { svgToPng } from '../src/cli/graph.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process, capturing everything it prints. */
async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk).replace(/\n$/, '')); return true; });
  try {
    const status = await main(argv);
    return { status, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    warn.mockRestore();
    write.mockRestore();
  }
}

describe('help and version', () => {
  it('tapegrad --help and --version exit 0; --version names the kernels', async () => {
    const help = await cli('--help');
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/^usage: tapegrad <command>/);
    const version = await cli('--version');
    expect(version.status).toBe(0);
    expect(version.out).toMatch(/^tapegrad \d+\.\d+\.\d+ — (native kernels, \w+ \((prebuilt|built from source) addon|TypeScript kernels \(native: )/);
  });

  for (const argv of [['verify'], ['check'], ['run'], ['train'], ['train', 'mnist'], ['train', 'curve'], ['graph'], ['bench']]) {
    for (const flag of ['--help', '-h']) {
      it(`tapegrad ${argv.join(' ')} ${flag} prints usage and exits 0`, async () => {
        const r = await cli(...argv, flag);
        expect(r.status, r.err).toBe(0);
        expect(r.out).toMatch(new RegExp(`^usage: tapegrad ${argv[0]}`));
        expect(r.err).toBe('');
      });
    }
  }
});

describe('every flag is validated before anything runs', () => {
  const cases: [string[], RegExp][] = [
    [['train', 'mnist', '--epochs', '-1'], /--epochs must be an integer ≥ 1, got '-1'/],
    [['train', 'mnist', '--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
    [['train', 'mnist', '--batch', '0'], /--batch must be an integer ≥ 1 or 'full', got '0'/],
    [['train', 'mnist', '--lr', '0'], /--lr must be a number > 0, got '0'/],
    [['train', 'mnist', '--lr', 'abc'], /--lr must be a number > 0, got 'abc'/],
    [['train', 'mnist', '--scale', '0'], /--scale must be a number > 0, got '0'/],
    [['train', 'mnist', '--init', 'bogus'], /--init must be normal:STD, .* got 'bogus'/],
    [['train', 'mnist', '--bogus'], /unknown flag --bogus/],
    [['train', 'mnist', '--hidden', '32,0'], /--hidden must be integers separated by commas ≥ 1, got '32,0'/],
    [['train', 'curve', '--aggression', '-7'], /--aggression must be a number > 0, got '-7'/],
    [['train', 'curve', '--iterations', '1.5'], /--iterations must be an integer ≥ 1, got '1.5'/],
    [['train', 'cifar'], /expected mnist or curve, got 'cifar'/],
    [['graph', 'chain', '--max-nodes', '2'], /--max-nodes must be an integer ≥ 4, got '2'/],
    [['graph', 'tree'], /unknown example 'tree' \(expected chain, curve, mlp\)/],
    [['verify', '--bogus'], /unknown flag --bogus/],
    [['check', 'lab.py', '--bogus'], /unknown flag --bogus/],
    [['check'], /expected FILE\.py/],
    [['run', 'lab.py', '--out'], /--out needs a value/],
    [['bench', '--repeat', '0'], /--repeat must be an integer ≥ 1, got '0'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [argv, message] of cases) {
    it(`tapegrad ${argv.join(' ')}: one line, exit 2, nothing printed first`, async () => {
      const r = await cli(...argv);
      expect(r.status).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/trainMnist|trainCurve|SGD:|parseInit|Error:/);
    });
  }

  it('--resume on an empty folder names the checkpoint path once, without internal names', async () => {
    const empty = join(dir, 'empty');
    const r = await cli('train', 'mnist', '--resume', '--out', empty, '--limit', '100', '--epochs', '1');
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`tapegrad train mnist: cannot resume: ${join(empty, 'checkpoint.json')} does not exist (train without --resume first)`);
  });
});

describe('graph output', () => {
  it('the extension picks the format; .png is a real PNG with the labels drawn; missing folders are created', async () => {
    const out = join(dir, 'deep', 'er', 'chain.png');
    const r = await cli('graph', 'chain', '--out', out);
    expect(r.status, r.err).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBeGreaterThan(500); // width from the IHDR chunk, at scale 2
    // Text is drawn (a font was found): the same picture without its <text> elements differs.
    const svgOut = join(dir, 'chain.svg');
    expect((await cli('graph', 'chain', '--out', svgOut)).status).toBe(0);
    const svg = readFileSync(svgOut, 'utf8');
    expect(svg).toMatch(/^<\?xml|<svg/);
    const withText = Buffer.from(await svgToPng(svg));
    const without = Buffer.from(await svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, '')));
    expect(withText.equals(without)).toBe(false);
    for (const [file, head] of [['g.dot', /^digraph/], ['g.mmd', /^(flowchart|graph)/]] as const) {
      expect((await cli('graph', 'chain', '--out', join(dir, file))).status).toBe(0);
      expect(readFileSync(join(dir, file), 'utf8')).toMatch(head);
    }
  });

  it('refuses an unknown extension (listing the formats) and a --format that contradicts it', async () => {
    const txt = await cli('graph', 'chain', '--out', join(dir, 'x.txt'));
    expect(txt.status).toBe(2);
    expect(txt.err).toMatch(/unknown extension \.txt; use one of \.svg \.png \.dot \.gv \.mmd \.md/);
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
    const clash = await cli('graph', 'chain', '--format', 'dot', '--out', join(dir, 'x.png'));
    expect(clash.status).toBe(2);
    expect(clash.err).toMatch(/--format dot contradicts --out .*x\.png \(a png file\)/);
  });
});

const tmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
const noTmux = tmux.status === 0 ? '' : ' (SKIPPED: tmux is not installed; apt-get install tmux)';

describe(`progress on a real terminal${noTmux}`, () => {
  it.skipIf(noTmux !== '')('a 3-epoch MNIST run leaves one line per epoch and the summary, no bar remnants', async () => {
    const session = `tapegrad-test-${process.pid}`;
    const runner = join(dir, 'run.mjs');
    writeFileSync(runner, `const m = await import(${JSON.stringify(resolve(__dirname, '../src/cli/main.ts'))});\nprocess.exitCode = await m.main(process.argv.slice(2));\n`);
    const out = join(dir, 'tty-run');
    const cmd = `node --import tsx ${runner} train mnist --limit 1500 --epochs 3 --hidden 16 --out ${out}; echo EXIT=$?`;
    const t = (...args: string[]): string => {
      const r = spawnSync('tmux', args, { encoding: 'utf8', cwd: resolve(__dirname, '..') });
      if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    t('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', resolve(__dirname, '..'), 'bash --norc --noprofile');
    try {
      t('send-keys', '-t', session, 'clear', 'Enter');
      t('send-keys', '-t', session, cmd, 'Enter');
      let screen = '';
      for (let i = 0; i < 120 && !/EXIT=\d/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 500));
        screen = t('capture-pane', '-p', '-t', session);
      }
      const lines = screen.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
      const start = lines.findIndex((l) => l.startsWith('training 784-16-10'));
      expect(start, screen).toBeGreaterThanOrEqual(0);
      const after = lines.slice(start);
      const epochs = after.filter((l) => /^epoch \d\/3 \| train loss/.test(l)).map((l) => l.slice(0, 9));
      expect(epochs, screen).toEqual(['epoch 1/3', 'epoch 2/3', 'epoch 3/3']);
      const summary = after.findIndex((l) => l.startsWith('final test accuracy'));
      expect(summary, screen).toBeGreaterThan(after.findIndex((l) => l.startsWith('epoch 3/3')));
      expect(after.some((l) => l.startsWith('EXIT=0')), screen).toBe(true);
      expect(screen).not.toMatch(/[█░]|ETA/); // the live line is erased at the end
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 90_000);
});
