/**
 * The page of test/wasm-browser.e2e.test.ts: reports the kernels tapegrad picked on the main thread,
 * then starts the Web Worker that trains seed 004's curve network and shows what it measured.
 */
import { kernelInfo, matmul, ones } from '../../src/index.js';
import type { WorkerReport } from './worker.js';

const main = kernelInfo();
const product = matmul(ones([20, 30]), ones([30, 10])).storage[0];
// Large enough to be shared with the wasm worker threads where the page is crossOriginIsolated.
const large = matmul(ones([64, 128]), ones([128, 64])).storage.every((v) => v === 128);
const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<WorkerReport>) => {
  const result = {
    main: { backend: main.backend, summary: main.summary, product, large, isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency },
    worker: event.data,
  };
  (window as unknown as { __result: unknown }).__result = result;
  document.getElementById('result')!.textContent = JSON.stringify(result, null, 2);
  document.getElementById('status')!.textContent = 'done';
};
worker.onerror = (e) => {
  (window as unknown as { __result: unknown }).__result = { error: e.message };
};
worker.postMessage({ iterations: Number(params.get('iterations') ?? 2000) });
