import { defaultServerConditions, defineConfig } from 'vite';

// Tests run the packages from their TypeScript sources: the 'ditto-source' export condition maps
// 'ditto' and 'ditto/internal' to packages/ditto/src (see packages/ditto/package.json). Child
// processes the tests start (tsx, workers) get the same condition through NODE_OPTIONS.
const sourceCondition = '--conditions=ditto-source';
const inherited = process.env.NODE_OPTIONS ?? '';
if (!inherited.includes(sourceCondition)) process.env.NODE_OPTIONS = `${inherited} ${sourceCondition}`.trim();

export default defineConfig({
  resolve: { conditions: ['ditto-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['ditto-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
