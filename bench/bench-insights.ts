import { type BenchResult, result } from './result.ts';
import { withWarmWindow } from './warm-window.ts';

const P99_BUDGET_MS = 20;

/** What the insights panel asks as a person filters the table: the histogram and durations, by zone. */
const queryMix = (topName: string): Record<string, string>[] => [
  { tz: 'UTC' },
  { tz: 'Europe/Berlin' },
  { tz: 'Asia/Kolkata', status: 'FAILED' },
  { tz: 'UTC', status: 'SUCCESS,FAILED' },
  { tz: 'UTC', name: topName },
  { tz: 'America/New_York', user: 'ops' },
  { tz: 'UTC', q: 'public_ip' },
  { tz: 'UTC', flag: 'outlier' },
  { tz: 'UTC', flag: 'stuck' },
];

/**
 * The insights route (histogram + duration stats + flags) on a warm 10,000-task window, by the
 * method of bench-api.ts: autocannon, 50 connections, 20 s, a mix of queries, against /api/health.
 */
export const run = (): Promise<BenchResult[]> =>
  withWarmWindow(
    'insights',
    'insights',
    queryMix,
    (first, w) => {
      const body = first as { histogram: { buckets: { counts: Record<string, number> }[] } };
      const total = body.histogram.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0);
      if (total !== w.tasks) throw new Error(`histogram counts ${total}, not ${w.tasks}`);
    },
    async ({ paths, load, upstreamCalls, note, shape, warmUpMs }) => {
      const insights = await load(paths.map((path) => ({ path })));
      const health = await load([{ path: '/api/health' }]);
      const upstream = upstreamCalls();
      return [
        result({
          name: 'insights-warm',
          metric: `histogram + durations p99 (${shape})`,
          value: insights.latency.p99,
          unit: 'ms',
          baseline: health.latency.p99,
          baselineNote: note,
          budget: P99_BUDGET_MS,
        }),
        result({
          name: 'insights-warm',
          metric: `histogram + durations requests/s (${shape})`,
          value: insights.requests.average,
          unit: 'req/s',
          baseline: health.requests.average,
          baselineNote: note,
          budget: null,
        }),
        result({
          name: 'insights-warm',
          metric: `first answer of each of the ${paths.length} queries, one after another (window read included)`,
          value: warmUpMs,
          unit: 'ms',
          baseline: null,
          budget: null,
        }),
        result({
          name: 'insights-warm',
          metric: `upstream calls during the run (${insights.requests.total} requests)`,
          value: upstream,
          unit: 'calls',
          baseline: null,
          budget: 0,
        }),
      ];
    },
  );
