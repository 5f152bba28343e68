/**
 * tapegrad in a real browser (Debian's Chromium, headless, via playwright-core) on its wasm kernels:
 * a page of its own (test/wasm-page, bundled by Vite) checks kernelInfo() on the main thread and in a
 * Web Worker, and the worker trains seed 004's curve network (the playground's preset and training
 * loop, and the same network in plain tapegrad ops) and reports iterations/s.
 * `TAPEGRAD_WASM_E2E_ITERATIONS=20000 npx vitest run test/wasm-browser.e2e.test.ts` measures longer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, browserUnavailable, serveStatic } from '../playground/e2e/harness.js';
import type { WorkerReport } from './wasm-page/worker.js';

const unavailable = browserUnavailable();
const title = unavailable ? `tapegrad's wasm kernels in Chromium (SKIPPED: ${unavailable})` : 'tapegrad\'s wasm kernels in Chromium';
const ITERATIONS = Number(process.env['TAPEGRAD_WASM_E2E_ITERATIONS'] ?? 2000);

interface PageResult { main: { backend: string; summary: string; product: number }; worker: WorkerReport }

describe.skipIf(unavailable !== null)(title, () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  const out = mkdtempSync(join(tmpdir(), 'tapegrad-wasm-page-'));
  let result: PageResult;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { build } = await import('vite');
    await build({
      root: resolve(__dirname, 'wasm-page'), base: './', logLevel: 'error', configFile: false,
      build: { outDir: out, emptyOutDir: true },
      worker: { format: 'es' },
    });
    server = await serveStatic(out);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}?iterations=${ITERATIONS}`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 240_000 });
    result = await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
    console.log(`wasm in Chromium (${ITERATIONS} iterations each): ${JSON.stringify({
      playground: Math.round(result.worker.playground.iterationsPerSecond),
      direct64: Math.round(result.worker.direct.float64.iterationsPerSecond),
      direct32: Math.round(result.worker.direct.float32.iterationsPerSecond),
    })} iterations/s`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('the main thread and the worker both run the wasm SIMD kernels, and say why not native', () => {
    expect(pageErrors).toEqual([]);
    expect(result.main).toEqual({ backend: 'wasm-simd', summary: 'wasm SIMD kernels, 1 thread (native: not running in Node)', product: 30 });
    expect(result.worker.backend).toBe('wasm-simd');
    expect(result.worker.chain.map((s) => [s.kernels, s.used])).toEqual([['native', false], ['wasm', true], ['typescript', false]]);
  });

  it('trains seed 004\'s curve network in the worker: the cost falls, and the rate is reported', () => {
    for (const m of [result.worker.playground, result.worker.direct.float64, result.worker.direct.float32]) {
      expect(m.iterations).toBe(ITERATIONS);
      expect(m.lastCost).toBeLessThan(m.firstCost);
      expect(m.iterationsPerSecond).toBeGreaterThan(0);
    }
  });
});
