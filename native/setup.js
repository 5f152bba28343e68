#!/usr/bin/env node
// Gets the native GEMM addon in place and says so in one line. Two modes:
//   install   npm's install hook: keep a prebuilt addon that loads (a packed tapegrad), else build
//             from source with node-gyp; gyp's output goes to build/tapegrad-build.log, not the
//             terminal. Never fails the install: without the addon tapegrad uses its TypeScript kernels.
//   prebuild  npm's prepack hook: build if the addon is missing or older than its sources, then copy
//             it to prebuilds/<platform>-<arch>/ where node-gyp-build finds it (npm 11 does not run
//             a dependency's install scripts, so a packed tapegrad must carry its binary).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const built = join(root, 'build', 'Release', 'tapegrad.node');
const log = join(root, 'build', 'tapegrad-build.log');

/** The file name node-gyp-build looks for: N-API (any Node version), tagged with the C library on Linux. */
function prebuildPath() {
  const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? '.musl' : '.glibc') : '';
  return join(root, 'prebuilds', `${process.platform}-${process.arch}`, `tapegrad.napi${libc}.node`);
}

/** Loads an addon file and returns its SIMD variant, or the first line of why it failed. */
function probe(file) {
  try {
    return { ok: true, variant: require(file).info().variant };
  } catch (error) {
    return { ok: false, why: String(error instanceof Error ? error.message : error).split('\n')[0] };
  }
}

/** Runs `node-gyp rebuild` with its output captured to the log; returns null or the reason it failed. */
function build() {
  // npm points npm_config_node_gyp at its bundled node-gyp; outside npm, fall back to the PATH.
  const gyp = process.env.npm_config_node_gyp;
  const r = gyp
    ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, encoding: 'utf8' })
    : spawnSync('node-gyp', ['rebuild'], { cwd: root, encoding: 'utf8', shell: true });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, output);
  if (r.status === 0 && existsSync(built)) return null;
  const lastError = output.split('\n').filter((l) => /error/i.test(l)).pop() ?? `node-gyp exited with status ${r.status}`;
  return lastError.trim().slice(0, 160);
}

/** Newest modification time among the addon's sources. */
function sourcesTime() {
  const files = ['binding.gyp', ...readdirSync(join(root, 'native')).filter((f) => /\.(cc|h|inc)$/.test(f)).map((f) => join('native', f))];
  return Math.max(...files.map((f) => statSync(join(root, f)).mtimeMs));
}

function say(line) {
  console.log(`tapegrad: ${line}`);
}

function install() {
  if (process.env.TAPEGRAD_NATIVE === '0') {
    say('TAPEGRAD_NATIVE=0, native kernels not built; using the TypeScript kernels');
    return;
  }
  const pre = prebuildPath();
  // A prebuilt addon is used only where nothing was built here (an installed package, not a checkout).
  if (!existsSync(join(root, 'build')) && existsSync(pre)) {
    const p = probe(pre);
    if (p.ok) {
      say(`native kernels ready (${p.variant}, prebuilt ${relative(root, pre)})`);
      return;
    }
  }
  const failed = build();
  const p = failed === null ? probe(built) : { ok: false, why: failed };
  if (p.ok) say(`native kernels built from source (${p.variant}; log in ${relative(root, log)})`);
  else say(`native kernels unavailable (${p.why}; log in ${relative(root, log)}); using the TypeScript kernels`);
}

function prebuild() {
  if (!existsSync(built) || statSync(built).mtimeMs < sourcesTime()) {
    const failed = build();
    if (failed !== null) {
      console.error(`tapegrad: cannot pack without the native addon: ${failed} (log in ${relative(root, log)})`);
      process.exit(1);
    }
  }
  const p = probe(built);
  if (!p.ok) {
    console.error(`tapegrad: cannot pack: ${relative(root, built)} does not load (${p.why})`);
    process.exit(1);
  }
  const pre = prebuildPath();
  rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  mkdirSync(dirname(pre), { recursive: true });
  copyFileSync(built, pre);
  say(`packed the native addon (${p.variant}) as ${relative(root, pre)}`);
}

const mode = process.argv[2];
if (mode === 'install') install();
else if (mode === 'prebuild') prebuild();
else {
  console.error('usage: node native/setup.js install|prebuild');
  process.exit(2);
}
