import { type BenchResult, result } from './result.ts';
import { withWarmWindow } from './warm-window.ts';

const P99_BUDGET_MS = 20;
const SERVICE_DURATION_S = 5;

/** What a person does in the table: page, sort every way, filter by facet, name and user, search. */
const queryMix = (topName: string): Record<string, string>[] => [
  {},
  { page: '2' },
  { page: '40' },
  { sort: 'name', order: 'asc' },
  { sort: 'durationMs', order: 'desc', page: '3' },
  { sort: 'updatedAt', order: 'asc', pageSize: '100' },
  { sort: 'status' },
  { sort: 'userName', order: 'asc', page: '7' },
  { status: 'FAILED' },
  { status: 'SUCCESS,FAILED', sort: 'durationMs' },
  { name: topName },
  { user: 'ops' },
  { q: 'public_ip' },
  { q: 'a1b', sort: 'name' },
  { pageSize: '200', page: '5' },
];

/**
 * The list API on a warm 10,000-task window (absolute from/to, cache TTL longer than the run):
 * autocannon with 50 connections for 20 s over a mix of queries, against /api/health the same way.
 * The console runs in its own process (live mode against the simulator in this one).
 */
export const run = (): Promise<BenchResult[]> =>
  withWarmWindow(
    'api',
    'tasks',
    queryMix,
    (first, w) => {
      const { total } = first as { total: number };
      if (total !== w.tasks) throw new Error(`window holds ${total}, not ${w.tasks}`);
    },
    async ({ paths, load, upstreamCalls, note, shape }) => {
      const list = await load(paths.map((path) => ({ path })));
      const health = await load([{ path: '/api/health' }]);
      // One connection, no queue: what a request itself costs the server.
      const alone = await load(
        paths.map((path) => ({ path })),
        1,
        SERVICE_DURATION_S,
      );
      const upstream = upstreamCalls();

      return [
        result({
          name: 'api-warm',
          metric: `list p50 (${shape})`,
          value: list.latency.p50,
          unit: 'ms',
          baseline: health.latency.p50,
          baselineNote: note,
          budget: null,
        }),
        result({
          name: 'api-warm',
          metric: `list p99 (${shape})`,
          value: list.latency.p99,
          unit: 'ms',
          baseline: health.latency.p99,
          baselineNote: note,
          budget: P99_BUDGET_MS,
        }),
        result({
          name: 'api-warm',
          metric: `list requests/s (${shape})`,
          value: list.requests.average,
          unit: 'req/s',
          baseline: health.requests.average,
          baselineNote: note,
          budget: null,
        }),
        result({
          name: 'api-warm',
          metric: `list p50, 1 connection, ${SERVICE_DURATION_S} s (service time, no queue)`,
          value: alone.latency.p50,
          unit: 'ms',
          baseline: null,
          budget: null,
        }),
        result({
          name: 'api-warm',
          metric: `list p99, 1 connection, ${SERVICE_DURATION_S} s (service time, no queue)`,
          value: alone.latency.p99,
          unit: 'ms',
          baseline: null,
          budget: null,
        }),
        result({
          name: 'api-warm',
          metric: `list errors and timeouts (autocannon: 10 s)`,
          value: list.errors + list.timeouts,
          unit: 'requests',
          baseline: health.errors + health.timeouts,
          baselineNote: note,
          budget: 0,
        }),
        result({
          name: 'api-warm',
          metric: `upstream calls during the run (${list.requests.total} requests)`,
          value: upstream,
          unit: 'calls',
          baseline: null,
          budget: 0,
        }),
      ];
    },
  );
