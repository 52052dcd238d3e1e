import autocannon, { type Result } from 'autocannon';
import { type ConsoleProcess, startConsoleProcess } from './console-process.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { type FixedWindow, fixedWindows, isoOf, listCalls, startBenchSimulator } from './fixture.ts';

export const CONNECTIONS = 50;
export const DURATION_S = 20;
/**
 * autocannon's own warm-up before each measured run, not counted: the list runs first, and its
 * first seconds ran the route's code unoptimised by the JIT while /api/health, run after it,
 * found the shared middleware optimised already (3 s blocks at the same load: the first list
 * block at 0.1–0.3× of the later ones).
 */
export const WARMUP_S = 3;
/**
 * What Chromium sends with every fetch, so answers are measured as the SPA gets them (the console
 * keeps a compressed copy of each cached answer). Every request of a run sends it, the
 * /api/health baseline's too.
 */
export const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br, zstd' };

/**
 * autocannon keeps each answer's body as a string, for hooks these benchmarks do not use
 * (`PipelinedRequestsQueue.addBody`: `req.body += chunk`, a UTF-8 decode of compressed bytes, the
 * slow path). On the two cores it shares with the console that cost the client about 30 µs per
 * 4–5 KB list answer and set the list's throughput (docs/BENCHMARKS.md, "api-warm: where a
 * warm list answer's time went"); a load generator discards bodies, as wrk does. Status, bytes and latency come from the
 * parser's other events, unchanged. `BENCH_KEEP_BODIES=1` runs the old way, for comparison.
 */
const discardBodies = (client: { pipelinedRequests?: { addBody?: unknown } }) => {
  if (typeof client.pipelinedRequests?.addBody !== 'function')
    throw new Error('autocannon no longer has pipelinedRequests.addBody: see discardBodies in bench/warm-window.ts');
  client.pipelinedRequests.addBody = () => {};
};

/** What every autocannon run of the benchmarks sends and how it reads answers. */
const LOAD_OPTIONS = {
  headers: BROWSER_HEADERS,
  ...(process.env.BENCH_KEEP_BODIES === '1' ? {} : { setupClient: discardBodies }),
};

/** autocannon against `url` by the benchmarks' method (warm-up, headers, bodies discarded); throws on any non-2xx answer. */
export const loadAgainst = async (
  url: string,
  requests: { path: string }[],
  connections = CONNECTIONS,
  duration = DURATION_S,
): Promise<Result> => {
  const r = await autocannon({
    url,
    connections,
    duration,
    requests,
    warmup: { connections, duration: WARMUP_S },
    ...LOAD_OPTIONS,
  });
  if (r.non2xx) throw new Error(`${r.non2xx} answers were not 2xx`);
  return r;
};

/** The mix's name filter: the commonest task name of the instance. */
const topNameOf = (tasks: readonly { name: string }[]) => {
  const names = new Map<string, number>();
  for (const t of tasks) names.set(t.name, (names.get(t.name) ?? 0) + 1);
  return [...names.entries()].sort((a, b) => b[1] - a[1])[0]![0];
};

export type Load = (requests: { path: string }[], connections?: number, duration?: number) => Promise<Result>;

export interface WarmWindow {
  server: ConsoleProcess;
  window: FixedWindow;
  /** One path a query of the mix, over the window. */
  paths: string[];
  /** The first answers, one after another (the window's read included), ms. */
  warmUpMs: number;
  /** autocannon against the console; throws on any non-2xx answer. */
  load: Load;
  /** ListBackgroundTasks calls since the warm-up. */
  upstreamCalls: () => number;
  /** The baseline row's note and the rows' shape, as every warm benchmark words them. */
  note: string;
  shape: string;
}

/**
 * A console (its own process, live mode) with a warm 10,000-task window of the big instance: the
 * harness the warm benchmarks share. `route` is the API path under the instance; `check` reads
 * the first query's answer and throws when it is not the whole window.
 */
export const withWarmWindow = async <T>(
  label: string,
  route: 'tasks' | 'insights',
  queryMix: (topName: string) => Record<string, string>[],
  check: (first: unknown, window: FixedWindow) => void,
  measure: (w: WarmWindow) => Promise<T>,
): Promise<T> => {
  const { sim, instanceId } = await startBenchSimulator();
  const server = await startConsoleProcess(label, {
    ...liveEnv(sim),
    WINDOW_CACHE_TTL_MS: '600000',
    WINDOW_MAX_TASKS: '20000',
    // the warm figure is what is measured: the cold read of 10,000 tasks (100 pages, plus the
    // call that learns the paging) may not wait on a budget of 100 a minute
    UPSTREAM_RATE_PER_MINUTE: '100000',
  });
  try {
    const [window] = fixedWindows(sim, instanceId);
    const paths = queryMix(topNameOf(sim.data.tasks.get(instanceId) ?? [])).map(
      (q) => `/api/instances/${instanceId}/${route}?${new URLSearchParams({ ...isoOf(window!), ...q })}`,
    );
    // Warm, as a viewer's first requests would: the window is read once, every query answers 200.
    const first = performance.now();
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      const body: unknown = await res.json();
      if (path === paths[0]) check(body, window!);
    }
    const warmUpMs = performance.now() - first;
    sim.control.clearRequests();
    const load: Load = (requests, connections, duration) => loadAgainst(server.url, requests, connections, duration);
    return await measure({
      server,
      window: window!,
      paths,
      warmUpMs,
      load,
      upstreamCalls: () => listCalls(sim),
      note: `GET /api/health, same server, same run, ${CONNECTIONS} connections, ${DURATION_S} s`,
      shape: `${CONNECTIONS} conn, ${window!.tasks} tasks, ${paths.length} queries`,
    });
  } finally {
    await server.stop();
    await sim.close();
  }
};
