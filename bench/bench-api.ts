import autocannon from 'autocannon';
import { liveEnv, startConsoleProcess } from './console-process.ts';
import { fixedWindows, isoOf, listCalls, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const CONNECTIONS = 50;
const DURATION_S = 20;
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
export const run = async (): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator();
  const server = await startConsoleProcess('api', {
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
      (q) => `/api/instances/${instanceId}/tasks?${new URLSearchParams({ ...window, ...q })}`,
    );
    // Warm: the window is read once (100 calls), and every query checked to answer 200.
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { total: number };
      if (path === paths[0] && body.total !== w!.tasks) throw new Error(`window holds ${body.total}, not ${w!.tasks}`);
    }
    sim.control.clearRequests();

    const load = async (requests: { path: string }[], connections = CONNECTIONS, duration = DURATION_S) => {
      const r = await autocannon({ url: server.url, connections, duration, requests });
      if (r.non2xx) throw new Error(`${r.non2xx} answers were not 2xx`);
      return r;
    };
    const list = await load(paths.map((path) => ({ path })));
    const health = await load([{ path: '/api/health' }]);
    // One connection, no queue: what a request itself costs the server.
    const alone = await load(
      paths.map((path) => ({ path })),
      1,
      SERVICE_DURATION_S,
    );
    const upstream = listCalls(sim);

    const note = `GET /api/health, same server, same run, ${CONNECTIONS} connections, ${DURATION_S} s`;
    const shape = `${CONNECTIONS} conn, ${w!.tasks} tasks, ${paths.length} queries`;
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
  } finally {
    await server.stop();
    await sim.close();
  }
};
