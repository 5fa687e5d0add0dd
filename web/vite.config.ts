/**
 * The playground's Vite project (root: web/). `ditto playground build` (or `npx vite build web`)
 * writes static files to web/dist with relative URLs, so they can be served from any path.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // 'ditto' and 'ditto/internal' resolve to the packages' TypeScript sources (their 'ditto-source' export).
  resolve: { conditions: ['ditto-source', ...defaultClientConditions] },
  // The page imports ditto's sources from packages/ditto/src; nothing is fetched from elsewhere at run time.
  server: { host: '127.0.0.1', fs: { allow: [repoRoot] } },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The page must work offline and under a strict Content-Security-Policy: no inlined data: modules.
    assetsInlineLimit: 0,
  },
});
