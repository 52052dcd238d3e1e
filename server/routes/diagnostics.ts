import { Hono } from 'hono';
import type { Diagnostics } from '../../shared/diagnostics.ts';

/**
 * `GET /api/diagnostics`: the doctor's report. A run costs about ten upstream calls a target, so
 * one run is shared by everyone asking within `ttlMs`.
 */
export const diagnosticsRoutes = (run: () => Promise<Diagnostics>, ttlMs = 30_000) => {
  let cached: { at: number; promise: Promise<Diagnostics> } | undefined;
  return new Hono().get('/', async (c) => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const promise = run();
      cached = { at: Date.now(), promise };
      promise.catch(() => {
        if (cached?.promise === promise) cached = undefined;
      });
    }
    c.header('Cache-Control', 'no-store');
    return c.json<Diagnostics>(await cached.promise, 200);
  });
};
