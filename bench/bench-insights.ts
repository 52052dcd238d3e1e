import autocannon from 'autocannon';
import { liveEnv, startConsoleProcess } from './console-process.ts';
import { fixedWindows, isoOf, listCalls, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const CONNECTIONS = 50;
const DURATION_S = 20;
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
export const run = async (): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator();
  const server = await startConsoleProcess('insights', {
    ...liveEnv(sim),
    WINDOW_CACHE_TTL_MS: '600000',
    WINDOW_MAX_TASKS: '20000',
  });
  try {
    const [w] = fixedWindows(sim, instanceId);
    const window = isoOf(w!);
    const names = new Map<string, number>();
    for (const t of sim.data.tasks.get(instanceId) ?? []) names.set(t.name, (names.get(t.name) ?? 0) + 1);
    const topName = [...names.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const paths = queryMix(topName).map(
      (q) => `/api/instances/${instanceId}/insights?${new URLSearchParams({ ...window, ...q })}`,
    );
    // Warm, as a viewer's first request would: the window is read once, every query answers 200.
    const first = performance.now();
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { histogram: { buckets: { counts: Record<string, number> }[] } };
      const total = body.histogram.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0);
      if (path === paths[0] && total !== w!.tasks) throw new Error(`histogram counts ${total}, not ${w!.tasks}`);
    }
    const warmUpMs = performance.now() - first;
    sim.control.clearRequests();

    const load = async (requests: { path: string }[]) => {
      const r = await autocannon({ url: server.url, connections: CONNECTIONS, duration: DURATION_S, requests });
      if (r.non2xx) throw new Error(`${r.non2xx} answers were not 2xx`);
      return r;
    };
    const insights = await load(paths.map((path) => ({ path })));
    const health = await load([{ path: '/api/health' }]);
    const upstream = listCalls(sim);
    const note = `GET /api/health, same server, same run, ${CONNECTIONS} connections, ${DURATION_S} s`;
    const shape = `${CONNECTIONS} conn, ${w!.tasks} tasks, ${paths.length} queries`;
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
  } finally {
    await server.stop();
    await sim.close();
  }
};
