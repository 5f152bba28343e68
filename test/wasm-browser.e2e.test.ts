/**
 * tapegrad in a real browser (Debian's Chromium, headless, via playwright-core) on its wasm kernels:
 * a page of its own (test/wasm-page, bundled by Vite) checks kernelInfo() on the main thread and in a
 * Web Worker, and the worker trains seed 004's curve network (the playground's preset and training
 * loop, and the same network in plain tapegrad ops) and reports iterations/s. The page is loaded twice:
 * as served (not crossOriginIsolated: one thread) and behind a proxy adding the COOP/COEP headers that
 * make it crossOriginIsolated, where the wasm kernels share large products with worker threads.
 * `TAPEGRAD_WASM_E2E_ITERATIONS=20000 npx vitest run test/wasm-browser.e2e.test.ts` measures longer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, browserUnavailable, serveStatic } from '../playground/e2e/harness.js';
import type { WorkerReport } from './wasm-page/worker.js';

const unavailable = browserUnavailable();
const title = unavailable ? `tapegrad's wasm kernels in Chromium (SKIPPED: ${unavailable})` : 'tapegrad\'s wasm kernels in Chromium';
const ITERATIONS = Number(process.env['TAPEGRAD_WASM_E2E_ITERATIONS'] ?? 2000);

interface PageResult {
  main: { backend: string; summary: string; product: number; large: boolean; isolated: boolean; cores: number };
  worker: WorkerReport;
}

/** A proxy in front of `target` that adds the headers making a page crossOriginIsolated (SharedArrayBuffer allowed). */
async function isolatingProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? '/', target), (r) => {
      res.writeHead(r.statusCode ?? 502, {
        ...r.headers, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
      });
      r.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

describe.skipIf(unavailable !== null)(title, () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  let proxy: { url: string; close: () => Promise<void> };
  const out = mkdtempSync(join(tmpdir(), 'tapegrad-wasm-page-'));
  let result: PageResult;
  let isolated: PageResult;
  const pageErrors: string[] = [];

  async function visit(url: string): Promise<PageResult> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 240_000 });
    const r = await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
    await page.close();
    return r;
  }

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
    result = await visit(`${server.url}?iterations=${ITERATIONS}`);
    proxy = await isolatingProxy(server.url);
    isolated = await visit(`${proxy.url}?iterations=${Math.min(ITERATIONS, 500)}`);
    for (const [name, r] of [['not isolated', result], ['crossOriginIsolated', isolated]] as const) {
      console.log(`wasm in Chromium, ${name} (${r.worker.playground.iterations} iterations each): ${JSON.stringify({
        playground: Math.round(r.worker.playground.iterationsPerSecond),
        direct64: Math.round(r.worker.direct.float64.iterationsPerSecond),
        direct32: Math.round(r.worker.direct.float32.iterationsPerSecond),
      })} iterations/s`);
    }
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('the main thread and the worker both run the wasm SIMD kernels, and say why not native', () => {
    expect(pageErrors).toEqual([]);
    expect(result.main).toEqual({
      backend: 'wasm-simd', summary: 'wasm SIMD kernels, 1 thread (native: not running in Node)', product: 30, large: true,
      isolated: false, cores: result.main.cores,
    });
    expect(result.worker.backend).toBe('wasm-simd');
    expect(result.worker.summary).toBe('wasm SIMD kernels, 1 thread (native: not running in Node)');
    expect(result.worker.chain[1]!.detail).toMatch(/; the page is not crossOriginIsolated$/);
    expect(result.worker.large).toBe(true);
    expect(result.worker.chain.map((s) => [s.kernels, s.used])).toEqual([['native', false], ['wasm', true], ['typescript', false]]);
  });

  it('crossOriginIsolated, the main thread and the worker share large products with wasm worker threads', () => {
    expect(pageErrors).toEqual([]);
    const n = Math.min(4, isolated.main.cores);
    expect(n).toBeGreaterThanOrEqual(2); // this machine has 2 cores; on one core there would be nothing to test
    expect(isolated.main).toEqual({
      backend: 'wasm-simd', summary: `wasm SIMD kernels, ${n} threads (native: not running in Node)`, product: 30, large: true,
      isolated: true, cores: isolated.main.cores,
    });
    expect(isolated.worker.summary).toBe(`wasm SIMD kernels, ${n} threads (native: not running in Node)`);
    expect(isolated.worker.chain[1]!.detail).toMatch(new RegExp(`; ${n} threads: the caller and ${n - 1} workers? \\(\\d up\\) on shared memory`));
    expect(isolated.worker.large).toBe(true);
  });

  it('trains seed 004\'s curve network in the worker: the cost falls, and the rate is reported', () => {
    for (const m of [result.worker.playground, result.worker.direct.float64, result.worker.direct.float32,
      isolated.worker.playground, isolated.worker.direct.float64, isolated.worker.direct.float32]) {
      expect(m.iterations).toBe(m === isolated.worker.playground || m === isolated.worker.direct.float64 || m === isolated.worker.direct.float32 ? Math.min(ITERATIONS, 500) : ITERATIONS);
      expect(m.lastCost).toBeLessThan(m.firstCost);
      expect(m.iterationsPerSecond).toBeGreaterThan(0);
    }
  });
});
