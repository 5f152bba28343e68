/** Helpers for the playground's browser tests: build the site, serve it on a free local port, find Debian's Chromium. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Chromium (apt-get install chromium); never a downloaded browser. TAPEGRAD_CHROMIUM overrides the path. */
export const CHROMIUM = process.env['TAPEGRAD_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless run inside containers and CI. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const here = fileURLToPath(new URL('.', import.meta.url));
export const PLAYGROUND = resolve(here, '..');

/**
 * Why the browser tests cannot run here, or null when they can.
 * @example
 * const reason = browserUnavailable(); // 'no /usr/bin/chromium (…)' on a machine without it
 */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM}: install Debian's Chromium (apt-get install -y chromium) to run the playground browser tests`;
  return null;
}

/**
 * Builds the playground with its Vite config (the same as `npm run build:playground`); returns the output folder.
 * @example
 * const dist = await buildPlayground(); // …/playground/dist
 */
export async function buildPlayground(): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: join(PLAYGROUND, 'vite.config.ts'), logLevel: 'error' });
  return join(PLAYGROUND, 'dist');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm', '.json': 'application/json',
};

/**
 * Serves a folder read-only on 127.0.0.1 at a port the OS picks.
 * @example
 * const server = await serveStatic(dist); // server.url = 'http://127.0.0.1:41234/'
 * await server.close();
 */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
