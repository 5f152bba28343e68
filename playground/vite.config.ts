/** Vite config of the playground: a static site whose root is playground/, importing tapegrad's TypeScript source. */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * tapegrad's index also exports Node-only helpers (MNIST loading, checkpoints, the native-kernel loader) that the
 * page never calls. Vite's default stand-in for `node:*` throws as soon as a named import is read, which blanks the
 * page under `vite` (dev). This stub gives every real export of the built-in a function that throws only when
 * called, naming what needs Node.
 */
function nodeBuiltinStubs(): Plugin {
  const prefix = '\0tapegrad-node-stub:';
  return {
    name: 'tapegrad-node-builtin-stubs',
    enforce: 'pre',
    resolveId(id) {
      return id.startsWith('node:') ? `${prefix}${id.slice('node:'.length)}` : null;
    },
    async load(id) {
      if (!id.startsWith(prefix)) return null;
      const mod = id.slice(prefix.length);
      const real = (await import(`node:${mod}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const lines = [
        'const needsNode = (name) => function () {',
        `  throw new Error(\`\${name}: node:${mod} is not available in the browser (this tapegrad feature needs Node)\`);`,
        '};',
        ...names.map((n, i) => `const s${i} = needsNode(${JSON.stringify(`${mod}.${n}`)});\nexport { s${i} as ${n} };`),
        'export default {};',
      ];
      return lines.join('\n');
    },
  };
}

export default defineConfig({
  root,
  // Relative asset URLs, so the built folder works from any path (a file server, GitHub Pages, a USB stick).
  base: './',
  plugins: [nodeBuiltinStubs()],
  // The checks and training run in a module worker that imports tapegrad too.
  worker: { format: 'es', plugins: () => [nodeBuiltinStubs()] },
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Graphviz compiled to WebAssembly ships inside @viz-js/viz (~1.5 MB); that is expected.
    chunkSizeWarningLimit: 4000,
  },
});
