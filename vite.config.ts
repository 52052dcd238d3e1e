import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { defineConfig } from 'vitest/config';

// hono/client serialises a request's `cookie` argument, which the SPA never passes: its cookie
// code (0.4 KB of the first view, gzip) is replaced by web/lib/no-cookies.ts.
const noClientCookies: Plugin = {
  name: 'no-client-cookies',
  enforce: 'pre',
  resolveId: (source, importer) =>
    source === '../utils/cookie.js' && importer?.includes('/hono/dist/client/')
      ? new URL('./web/lib/no-cookies.ts', import.meta.url).pathname
      : null,
};

const apiPort = Number(process.env.API_PORT ?? 8787);

// The suite pins UTC so most tests are stable; the date logic also runs where local time bites:
// a zone with daylight saving and one with a half-hour offset. These files hold expectations per zone.
const DATE_TESTS = ['web/lib/dates*.test.ts', 'server/tasks/stats.test.ts', 'web/features/insights/histogram.test.tsx'];
const zoneProject = (name: string, tz: string) => ({
  extends: true as const,
  test: { name, environment: 'happy-dom', include: DATE_TESTS, env: { TZ: tz } },
});

export default defineConfig({
  plugins: [
    react(),
    noClientCookies,
    // .br and .gz beside each text file of the build, made once: the console serves the one a
    // browser accepts (serveStatic's `precompressed`), a third of the bytes, without compressing per request
    compression({ algorithms: ['brotliCompress', 'gzip'], exclude: [/\.vite\//], logLevel: 'silent' }),
  ],
  resolve: {
    // @tanstack/react-store asks for the shim of useSyncExternalStore, for React before 18: React
    // 19 has it, and the shim's code is dead weight in the first view.
    alias: [
      {
        find: /^use-sync-external-store\/shim\/with-selector(\.js)?$/,
        replacement: 'use-sync-external-store/with-selector.js',
      },
    ],
  },
  build: {
    outDir: 'dist',
    manifest: true,
    sourcemap: false,
    // every browser the build targets (Baseline widely available) has rel=modulepreload natively
    modulePreload: { polyfill: false },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': `http://127.0.0.1:${apiPort}` },
  },
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: { name: 'server', environment: 'node', include: ['server/**/*.test.ts', 'shared/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'web', environment: 'happy-dom', include: ['web/**/*.test.{ts,tsx}'] },
      },
      zoneProject('dates-new-york', 'America/New_York'),
      zoneProject('dates-kolkata', 'Asia/Kolkata'),
      // Three console processes, a simulator and a redis-server (`npm run test:cluster`).
      {
        extends: true,
        test: {
          name: 'cluster',
          environment: 'node',
          include: ['cluster/**/*.cluster.test.ts'],
          testTimeout: 180_000,
        },
      },
      // Long runs (load, long fuzz) exist only when asked for (`npm run test:stress` names the
      // project): vitest 4 runs every project it knows by default, and a bare `vitest run` must not.
      ...(process.argv.some((a) => /^(--project=)?stress$/.test(a))
        ? [
            {
              extends: true as const,
              test: {
                name: 'stress',
                environment: 'node',
                include: ['stress/**/*.stress.test.ts'],
                testTimeout: 600_000,
              },
            },
          ]
        : []),
    ],
  },
});
