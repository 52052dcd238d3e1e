import { execSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The benchmarks' own production build: kept apart from dist/ so a bench run never swaps the
 * assets under an e2e run or a server someone else is using.
 */
export const BENCH_DIST = join(import.meta.dirname, '.tmp', 'dist');

let built = false;

/** Builds the SPA once per bench run (the bundle and browser benchmarks share it). */
export const buildOnce = (): string => {
  if (!built) {
    execSync(`npx vite build --logLevel error --emptyOutDir --outDir ${JSON.stringify(BENCH_DIST)}`, {
      stdio: 'inherit',
    });
    built = true;
  }
  return BENCH_DIST;
};
