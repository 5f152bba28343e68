/**
 * The package as a user gets it: `npm pack` in a clean copy of the repository, the tarball
 * installed into a fresh project with install scripts off (npm 11 does not run a dependency's
 * install scripts unless approved) from the local npm cache, then used from ESM, from TypeScript
 * (`tsc --noEmit` against its .d.ts files) and through `npx tapegrad`, with the prebuilt native
 * kernels loaded, and with TAPEGRAD_NATIVE=0 on the wasm kernels built into dist/. Slow (about a
 * minute: a TypeScript build and an install), so it runs once.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'tapegrad-pack-'));
const source = join(work, 'source');
const app = join(work, 'app');
let tarball = '';
let packed: string[] = [];

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Vitest's own variables would leak into the child processes, and those npm set for `npm test` would steer the inner npm.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|npm_)/i.test(k)));

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 480_000 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  // A copy of what git holds (plus files not yet committed), so the pack builds dist/ from scratch
  // without touching this checkout's dist/ while other tests use it. The compiled addon is copied
  // with its time stamps, so prepack reuses it instead of compiling again.
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => f !== '' && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(source, f)), { recursive: true });
    cpSync(join(ROOT, f), join(source, f), { preserveTimestamps: true });
  }
  if (existsSync(join(ROOT, 'build', 'Release', 'tapegrad.node'))) {
    cpSync(join(ROOT, 'build'), join(source, 'build'), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
  const out = ok(sh('npm', ['pack', '--json', '--pack-destination', work], source), 'npm pack');
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  ok(sh('npm', ['install', tarball, '@types/node@20', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app),
    'npm install of the tarball');
}, 900_000);

// Generous limits: on a loaded 2-core machine a tsc run or an addon build can take minutes.
describe('the packed tarball', () => {
  it('holds dist/, bin/, the native sources, binding.gyp, the prebuilt addon, README and LICENSE, nothing else', () => {
    const allowed = /^(dist\/.*\.(js|d\.ts)|bin\/tapegrad\.js|native\/[\w-]+\.(cc|h|inc)|native\/setup\.js|binding\.gyp|examples\/labs\/([\w-]+\.py|bug-hunt\.json)|prebuilds\/[\w-]+\/tapegrad\.napi(\.glibc|\.musl)?\.node|README\.md|LICENSE|package\.json)$/;
    expect(packed.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/cli/main.js', 'bin/tapegrad.js', 'binding.gyp', 'LICENSE', 'README.md']) {
      expect(packed).toContain(must);
    }
    expect(packed.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`))).toBe(true);
  });

  it('imports from ESM (both entries) and runs the native kernels without install scripts', () => {
    const script = `
      import { tensor, kernelInfo } from 'tapegrad';
      import { loadMnist } from 'tapegrad/node';
      const info = kernelInfo();
      console.log(JSON.stringify({ backend: info.backend, source: info.addon?.source, sum: tensor([1, 2, 3]).sum().item(), test: loadMnist('test').count }));`;
    const r = JSON.parse(ok(sh('node', ['--input-type=module', '-e', script], app), 'ESM import').trim()) as Record<string, unknown>;
    expect(r).toMatchObject({ source: 'prebuilt', sum: 6, test: 10000 });
    expect(String(r['backend'])).toMatch(/^native-/);
  });

  it('without the native addon (TAPEGRAD_NATIVE=0) runs the wasm SIMD kernels shipped in dist/, and says so', () => {
    const script = `
      import { kernelInfo, matmul, ones } from 'tapegrad';
      const info = kernelInfo();
      console.log(JSON.stringify({ backend: info.backend, product: matmul(ones([40, 30]), ones([30, 20])).storage[0] }));`;
    const noNative = { ...env, TAPEGRAD_NATIVE: '0' };
    const r = spawnSync('node', ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', env: noNative, timeout: 120_000 });
    expect(JSON.parse(ok(r, 'ESM import with TAPEGRAD_NATIVE=0').trim())).toEqual({ backend: 'wasm-simd', product: 30 });
    expect(packed).toContain('dist/kernels/wasm-module.js');
    const version = ok(spawnSync('npx', ['--no-install', 'tapegrad', '--version'], { cwd: app, encoding: 'utf8', env: noNative, timeout: 120_000 }), 'tapegrad --version');
    // Threads: the caller plus worker threads, as many as the cores (at most 4; src/kernels/wasm.ts).
    const threads = Math.min(4, availableParallelism());
    expect(version).toContain(`wasm SIMD kernels, ${threads} thread${threads === 1 ? '' : 's'} (native: disabled by TAPEGRAD_NATIVE=0)`);
  });

  it('type-checks a TypeScript file against its types, and the types can fail', { timeout: 600_000 }, () => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'] },
      files: ['good.ts'],
    }));
    writeFileSync(join(app, 'good.ts'), [
      "import { randn, tensor, verifyGradients, type Tensor } from 'tapegrad';",
      "import { loadMnist, type MnistSplit } from 'tapegrad/node';",
      'const x: Tensor = tensor([[1, 2], [3, 4]], { requiresGrad: true });',
      'const W = randn([2, 2], { seed: 1 });',
      'const loss = (p: Record<string, Tensor>): Tensor => p[\'x\']!.matmul(W).sum();',
      'const report = verifyGradients({ params: { x }, loss, manual: () => ({ x: W.sum(1).reshape([1, 2]).broadcastTo([2, 2]) }) });',
      'const ok: boolean = report.ok;',
      "const split: MnistSplit = loadMnist('test');",
      'console.log(ok, split.count);',
    ].join('\n'));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    ok(sh('node', [tsc, '-p', 'tsconfig.json'], app), 'tsc --noEmit on good.ts');
    writeFileSync(join(app, 'bad.ts'), "import { tensor } from 'tapegrad';\nconst n: number = tensor([1]);\nconsole.log(n);\n");
    const bad = sh('node', [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', 'bad.ts'], app);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/TS2322: Type 'Tensor' is not assignable to type 'number'/);
  });

  it('`npx tapegrad --version` names the prebuilt native kernels, and `npx tapegrad verify` passes', { timeout: 600_000 }, () => {
    const version = ok(sh('npx', ['--no-install', 'tapegrad', '--version'], app), 'tapegrad --version');
    expect(version).toMatch(/^tapegrad 0\.\d+\.\d+/);
    expect(version).toMatch(/native kernels, \w+ \(prebuilt addon prebuilds\//);
    const verify = ok(sh('npx', ['--no-install', 'tapegrad', 'verify'], app), 'tapegrad verify');
    expect(verify).toMatch(/verify: OK/);
  });

  it('with install scripts allowed, installing says one line: the prebuilt addon, or a quiet build from source', () => {
    const lines = (r: SpawnSyncReturns<string>): string[] => `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
    const pre = sh('npm', ['rebuild', 'tapegrad', '--foreground-scripts'], app);
    ok(pre, 'npm rebuild (prebuilt)');
    expect(lines(pre).filter((l) => l.startsWith('tapegrad:'))).toEqual([expect.stringMatching(/^tapegrad: native kernels ready \(\w+, prebuilt prebuilds\//)]);
    expect(lines(pre).filter((l) => /gyp/.test(l) && !l.startsWith('>'))).toEqual([]);
    // Without the prebuilt binary (another platform), the addon is compiled; gyp's chatter goes to a log.
    rmSync(join(app, 'node_modules', 'tapegrad', 'prebuilds'), { recursive: true, force: true });
    const src = sh('npm', ['rebuild', 'tapegrad', '--foreground-scripts'], app);
    ok(src, 'npm rebuild (from source)');
    const said = lines(src).filter((l) => !l.startsWith('>') && !/^(rebuilt dependencies|npm (warn|notice))/.test(l));
    expect(said).toEqual([expect.stringMatching(/^tapegrad: native kernels (built from source|unavailable)/)]);
    expect(readFileSync(join(app, 'node_modules', 'tapegrad', 'build', 'tapegrad-build.log'), 'utf8')).toMatch(/gyp/);
  }, 600_000);
});
