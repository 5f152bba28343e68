/** The playground in a real browser (Debian's Chromium, headless, via playwright-core): build, load, step, verify, train. */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatNumber, sigmoid, tensor, valueAndGrad } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { CHROMIUM, CHROMIUM_ARGS, browserUnavailable, buildPlayground, serveStatic } from '../playground/e2e/harness.js';

const unavailable = browserUnavailable();
const title = unavailable ? `playground in Chromium (SKIPPED: ${unavailable})` : 'playground in Chromium';
const SHOTS = 'test-results';

describe.skipIf(unavailable !== null)(title, () => {
  let browser: Browser;
  let page: Page;
  let server: { url: string; close: () => Promise<void> };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await serveStatic(await buildPlayground());
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const cell = (param: string, col: string): Promise<string> => page.textContent(`#grad-table tr[data-param="${param}"] td.${col}`).then((t) => t ?? '');
  const counter = (): Promise<string> => page.textContent('#step-counter').then((t) => t ?? '');

  async function enter(values: string, expression: string): Promise<void> {
    await page.fill('#values', values);
    await page.fill('#expression', expression);
    await page.click('#run');
  }

  it('steps the seed 000 chain backward and shows the autodiff dw1', async () => {
    const v = { w1: 0.3, w2: 0.8, x1: 1.5, y: 0.2 };
    await enter(`w1 = ${v.w1}\nw2 = ${v.w2}\ndata x1 = ${v.x1}\ndata y = ${v.y}`, '0.5*(sigmoid(w2*sigmoid(w1*x1)) - y)^2');
    await page.waitForFunction(() => document.querySelector('#step-counter')?.textContent === '0 / 7 backward steps');
    expect(await cell('w1', 'stepped')).toBe('—');

    // The expected gradient, from tapegrad in Node.
    const f = (w1: Tensor, w2: Tensor): Tensor => sigmoid(w2.mul(sigmoid(w1.mul(v.x1)))).sub(v.y).pow(2).mul(0.5);
    const { grads } = valueAndGrad(f)(tensor(v.w1), tensor(v.w2));
    const dw1 = grads[0]!.item();
    const dw2 = grads[1]!.item();

    const ops: string[] = [];
    for (let k = 1; k <= 7; k++) {
      await page.click('#step');
      await page.waitForSelector(`#graph[data-done="${k}"]`);
      ops.push((await page.textContent('#step-info'))!.replace(/^Step \d+\/7: (\w+).*$/s, '$1'));
      // w1 is reached only by the last op of the walk (z1 = w1·x1).
      if (k < 7) expect(await cell('w1', 'stepped')).toBe('—');
    }
    expect(ops).toEqual(['mul', 'pow', 'sub', 'sigmoid', 'mul', 'sigmoid', 'mul']);
    expect(await counter()).toBe('7 / 7 backward steps');
    const shown = Number(await cell('w1', 'stepped'));
    expect(Math.abs(shown - dw1)).toBeLessThanOrEqual(1e-9 * Math.abs(dw1));
    expect(Number(await cell('w2', 'stepped'))).toBeCloseTo(dw2, 9);
    expect(Number(await cell('w1', 'numerical'))).toBeCloseTo(dw1, 8);
    // The graph itself carries the value and the local derivative used.
    const svg = (await page.innerHTML('#graph'))!;
    expect(svg).toContain(`grad ${formatNumber(dw1)}`);
    expect(svg).toContain('g · y · (1 − y)');

    await page.click('#back');
    await page.waitForSelector('#graph[data-done="6"]');
    expect(await cell('w1', 'stepped')).toBe('—');
    await page.click('#run-all');
    await page.waitForSelector('#graph[data-done="7"]');
    // Keyboard stepping for projectors: Home, →, End.
    await page.click('h1');
    await page.keyboard.press('Home');
    await page.waitForSelector('#graph[data-done="0"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#graph[data-done="1"]');
    await page.keyboard.press('End');
    await page.waitForSelector('#graph[data-done="7"]');
  });

  it('verifies a hand formula, then flags it once broken', async () => {
    const good = [
      'a1 = sigmoid(w1*x1)', 'yhat = sigmoid(w2*a1)',
      'dw1 = (yhat - y) * yhat*(1 - yhat) * w2 * a1*(1 - a1) * x1', 'dw2 = (yhat - y) * yhat*(1 - yhat) * a1',
    ].join('\n');
    await page.fill('#hand', good);
    await page.click('#verify');
    await page.waitForSelector('#grad-table tr[data-param="w1"].ok');
    expect(await page.getAttribute('#verify-report', 'class')).toBe('ok');
    expect(await page.textContent('#verify-report')).toMatch(/verifyGradients/);

    // A classic slip: the a1(1 − a1) factor of the inner sigmoid forgotten.
    await page.fill('#hand', good.replace(' * a1*(1 - a1) * x1', ' * x1'));
    await page.click('#verify');
    await page.waitForSelector('#grad-table tr[data-param="w1"].bad');
    expect(await page.getAttribute('#grad-table tr[data-param="w2"]', 'class')).toBe('ok');
    expect(await page.textContent('#verify-report')).toMatch(/FAIL w1 \(worst w1\)/);
    expect(await cell('w1', 'verdict')).toMatch(/✗/);
    // The picture marks w1 red (toDot's report overlay) and keeps w2 green.
    await page.waitForFunction(() => {
      const node = (name: string): Element | undefined => Array.from(document.querySelectorAll('#graph g.node'))
        .find((g) => g.querySelector('text')?.textContent === name);
      return node('w1')?.innerHTML.includes('#dc2626') && node('w2')?.innerHTML.includes('#16a34a');
    });
    await page.screenshot({ path: `${SHOTS}/playground-seed000.png`, fullPage: true });
  });

  it('shows bad input next to the box and keeps the page', async () => {
    await page.fill('#expression', '0.5*(sigmoid(w2*sigmoid(w1*x1)) - y');
    await page.click('#run');
    expect(await page.textContent('#expression-error')).toMatch(/expected '\)'.*end of input/);
    expect(await page.$('#graph svg')).not.toBeNull();

    await page.fill('#expression', 'w1 * q');
    await page.click('#run');
    expect(await page.textContent('#expression-error')).toMatch(/unknown name 'q'/);

    await page.fill('#values', 'W = [[1, 2], [3, 4]]\nv = [1, 2, 3]');
    await page.fill('#expression', 'sum(W @ v)');
    await page.click('#run');
    expect(await page.textContent('#expression-error')).toMatch(/matmul: cannot multiply \[2,2\] by \[3\] \(inner sizes 2 and 3 differ\) \(in 'W @ v'/);
    expect(await page.textContent('#values-error')).toBe('');

    await page.fill('#values', 'w = ');
    await page.click('#run');
    expect(await page.textContent('#values-error')).toMatch(/expected a number/);
    expect(await page.$('#graph svg')).not.toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('steps a small MLP (matrices) all the way back to the same gradients as autodiff', async () => {
    await page.selectOption('#preset', 'mlp');
    await page.waitForFunction(() => document.querySelector('#step-counter')?.textContent?.startsWith('0 / '));
    await page.click('#step');
    await page.waitForSelector('#graph[data-done="1"]');
    expect(await page.textContent('#step-info')).toMatch(/^Step 1\/\d+: \w+ → L\./); // the loss op comes first
    await page.click('#run-all');
    await page.waitForFunction(() => document.querySelector('#step-counter')?.textContent?.match(/^(\d+) \/ \1 /));
    for (const p of ['W1', 'b1', 'W2', 'b2']) {
      expect(await cell(p, 'stepped')).toBe(await cell(p, 'autodiff'));
      expect(await page.getAttribute(`#grad-table tr[data-param="${p}"]`, 'class')).toBe('ok');
    }
    await page.screenshot({ path: `${SHOTS}/playground-mlp.png`, fullPage: true });
  });

  it('trains the seed 004 curve network in slices without freezing the page', async () => {
    await page.selectOption('#preset', 'seed004');
    await page.waitForFunction(() => document.querySelector('#step-counter')?.textContent?.startsWith('0 / '));
    const iteration = async (): Promise<number> => Number(/iteration (\d+)/.exec((await page.textContent('#train-status')) ?? '')?.[1] ?? 0);
    const untrained = Number(/C = ([\d.e+-]+)/.exec((await page.textContent('#status')) ?? '')?.[1]);
    expect(untrained).toBeGreaterThan(0);
    await page.fill('#iterations', '1000000');
    await page.click('#train');
    await page.waitForFunction(() => /iteration \d+/.test(document.querySelector('#train-status')?.textContent ?? ''));
    const first = await iteration();
    // While it trains, the page keeps answering (training runs in ~30 ms slices).
    for (let k = 0; k < 5; k++) {
      const t0 = Date.now();
      await page.evaluate(() => document.querySelector('#train-status')?.textContent);
      expect(Date.now() - t0).toBeLessThan(1_000);
      await page.waitForTimeout(400);
    }
    const later = await iteration();
    expect(later).toBeGreaterThan(first);
    expect(await page.textContent('#train')).toBe('Stop');
    await page.click('#train');
    await page.waitForSelector('#train:text("Train")');
    const stopped = await iteration();
    await page.waitForTimeout(300);
    expect(await iteration()).toBe(stopped);
    const trained = Number(/C = ([\d.e+-]+)/.exec((await page.textContent('#status')) ?? '')?.[1]);
    expect(trained).toBeLessThan(untrained / 2);
    const lastSeen = Number(/loss ([\d.e+-]+)/.exec((await page.textContent('#train-status')) ?? '')?.[1]);
    expect(Math.abs(trained - lastSeen)).toBeLessThan(0.2 * lastSeen); // the page now shows the trained network
    expect(await page.innerHTML('#curve')).toContain('polyline');
    expect(await page.innerHTML('#loss-plot')).toContain('polyline');
    await page.screenshot({ path: `${SHOTS}/playground-curve.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

describe('playground browser tests: environment', () => {
  it('reports whether Chromium is there', () => {
    if (unavailable) console.warn(`playground e2e skipped: ${unavailable}`);
    expect(unavailable === null || unavailable.includes(CHROMIUM)).toBe(true);
  });
});
