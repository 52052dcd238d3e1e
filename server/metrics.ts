import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DmsCallInfo } from './dms/client.ts';

/** What an upstream attempt came to, as a label: never DMS's own message or request id. */
const outcomeOf = (status: number) =>
  status === 0
    ? 'no-answer'
    : status < 300
      ? 'ok'
      : status === 429
        ? 'throttled'
        : status < 500
          ? 'client-error'
          : 'server-error';

export interface MetricSources {
  /** Per credential (its hashed name, server/labels.ts): calls left this minute, and how many wait. */
  budgets: () => Iterable<{ credential: string; budget: { available(): Promise<number>; readonly waiting: number } }>;
  cacheSize: () => { bytes: number; entries: number };
  sharedState?: () => string;
}

/**
 * The console's Prometheus metrics (prom-client), one registry per console. Every label is a
 * route pattern, an operation name, an outcome, a status, a hashed credential or a state: no
 * path with ids, no query, no task data, no key.
 */
export const createMetrics = (sources: MetricSources) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'console_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: 'console_upstream_calls_total',
    help: 'DMS calls (every attempt) by operation and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const upstreamLatency = new Histogram({
    name: 'console_upstream_call_duration_seconds',
    help: 'DMS call latency (one attempt, body included) by operation',
    labelNames: ['operation'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'console_budget_tokens_left',
    help: 'Calls left in the current minute of each credential’s budget',
    labelNames: ['credential'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { credential, budget } of sources.budgets()) this.set({ credential }, await budget.available());
    },
  });
  new Gauge({
    name: 'console_budget_waiting',
    help: 'Callers waiting for room in each credential’s budget now',
    labelNames: ['credential'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { credential, budget } of sources.budgets()) this.set({ credential }, budget.waiting);
    },
  });
  const budgetWaits = new Counter({
    name: 'console_budget_waits_total',
    help: 'Times a caller waited for the budget to renew, per credential',
    labelNames: ['credential'],
    registers: [registry],
  });
  const budgetRefusals = new Counter({
    name: 'console_budget_refusals_total',
    help: 'Work refused for want of budget (503 UPSTREAM_BUDGET), per credential',
    labelNames: ['credential'],
    registers: [registry],
  });
  new Gauge({
    name: 'console_window_cache_bytes',
    help: 'Bytes (estimated) the window cache holds: windows, query results and page bodies',
    registers: [registry],
    collect() {
      this.set(sources.cacheSize().bytes);
    },
  });
  new Gauge({
    name: 'console_window_cache_entries',
    help: 'Entries the window cache holds: windows, query results and page bodies',
    registers: [registry],
    collect() {
      this.set(sources.cacheSize().entries);
    },
  });
  const cacheHits = new Counter({
    name: 'console_window_cache_hits_total',
    help: 'Windows served fresh from this replica’s cache',
    registers: [registry],
  });
  const cacheMisses = new Counter({
    name: 'console_window_cache_misses_total',
    help: 'Windows not fresh in this replica’s cache (fetched, refreshed, joined or taken from Redis)',
    registers: [registry],
  });
  const refreshLag = new Histogram({
    name: 'console_window_refresh_lag_seconds',
    help: 'How far behind DMS a served window was: its end (or now) minus the end of its listing',
    buckets: [0, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  if (sources.sharedState) {
    const sharedState = sources.sharedState;
    new Gauge({
      name: 'console_shared_state',
      help: 'Where the budget and windows are shared: 1 for the current state (memory, redis, fallback)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const now = sharedState();
        for (const state of ['memory', 'redis', 'fallback']) this.set({ state }, state === now ? 1 : 0);
      },
    });
  }

  const sharedWindows = new Counter({
    name: 'console_shared_windows_total',
    help: 'Windows this replica got with Redis on: from another replica (redis), fetched and published (fetched), or fetched alone (unshared)',
    labelNames: ['source'],
    registers: [registry],
  });

  return {
    registry,
    sharedWindow: (source: string) => sharedWindows.inc({ source }),
    /** Times every request by its route pattern (Hono's, as the request log names it). */
    middleware: () =>
      createMiddleware(async (c, next) => {
        const end = http.startTimer();
        try {
          await next();
        } finally {
          end({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
        }
      }),
    upstreamCall: (info: Pick<DmsCallInfo, 'operation' | 'status' | 'durationMs'>) => {
      upstreamCalls.inc({ operation: info.operation, outcome: outcomeOf(info.status) });
      upstreamLatency.observe({ operation: info.operation }, info.durationMs / 1000);
    },
    budgetWait: (credential: string) => budgetWaits.inc({ credential }),
    budgetRefusal: (credential: string) => budgetRefusals.inc({ credential }),
    windowLookup: (hit: boolean) => (hit ? cacheHits : cacheMisses).inc(),
    windowServed: (lagMs: number) => refreshLag.observe(lagMs / 1000),
    /** The text Prometheus scrapes. */
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};
export type Metrics = ReturnType<typeof createMetrics>;
