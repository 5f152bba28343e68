/** Vite config of the playground: a static site whose root is playground/, importing tapegrad's TypeScript source. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs, so the built folder works from any path (a file server, GitHub Pages, a USB stick).
  base: './',
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Graphviz compiled to WebAssembly ships inside @viz-js/viz (~1.5 MB); that is expected.
    chunkSizeWarningLimit: 4000,
  },
});
