import { startConsoleProcess } from './console-process.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { fixedWindows, isoOf, listCalls, pagesOf, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const CLIENTS = 50;
const LATENCY_MS = 50;

/**
 * 50 clients open the same cold 10,000-task window at once through the console's HTTP API (live
 * mode against a simulator at 50 ms a call): single flight must make it one window's pages.
 */
export const run = async (): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator({ latencyMs: LATENCY_MS });
  // single flight is measured, not the budget: 100 pages and the paging-learning call exceed 100 a minute
  const server = await startConsoleProcess('fan-in', {
    ...liveEnv(sim),
    WINDOW_MAX_TASKS: '20000',
    UPSTREAM_RATE_PER_MINUTE: '100000',
  });
  try {
    const [w] = fixedWindows(sim, instanceId);
    const { total, pages } = await pagesOf(sim, w!);
    // The instance directory is read once first, so only the window's pages are counted.
    const instances = await fetch(`${server.url}/api/instances`);
    if (!instances.ok) throw new Error(`GET /api/instances: ${instances.status}`);
    sim.control.clearRequests();
    const { from, to } = isoOf(w!);
    const url = `${server.url}/api/instances/${instanceId}/tasks?${new URLSearchParams({ from, to })}`;
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const res = await fetch(url);
        const body = (await res.json()) as { total?: number };
        return { status: res.status, total: body.total };
      }),
    );
    const allMs = performance.now() - t0;
    const bad = answers.filter((a) => a.status !== 200 || a.total !== w!.tasks);
    if (bad.length) throw new Error(`${bad.length} of ${CLIENTS} answers wrong, e.g. ${JSON.stringify(bad[0])}`);
    const calls = listCalls(sim);
    return [
      result({
        name: 'fan-in',
        metric: `upstream calls, ${CLIENTS} clients on one cold window (${total} tasks: its pages and the endpoint's one paging-learning call)`,
        value: calls,
        unit: 'calls',
        baseline: CLIENTS * pages,
        baselineNote: `${CLIENTS} clients × ${pages} pages, each reading the window alone`,
        budget: pages + 1,
      }),
      result({
        name: 'fan-in',
        metric: `time until all ${CLIENTS} answered, ${LATENCY_MS} ms/call`,
        value: allMs,
        unit: 'ms',
        baseline: null,
        budget: null,
      }),
    ];
  } finally {
    await server.stop();
    await sim.close();
  }
};
