import { startConsoleProcess } from './console-process.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { fixedWindows, isoOf, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const WINDOWS = 5;
const TTL_MS = 2_000;
const RETAIN_MS = 3_000;
const MB = 1024 * 1024;

/**
 * The console's memory (its own process, live mode, GC forced before each reading): idle, with
 * five different 10,000-task windows cached, and once they have expired and been evicted.
 */
export const run = async (): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator();
  const small = sim.data.instances.find((i) => i.name === 'dev-sandbox')!.instance_id;
  const server = await startConsoleProcess(
    'memory',
    {
      ...liveEnv(sim),
      WINDOW_CACHE_TTL_MS: String(TTL_MS),
      WINDOW_MAX_TASKS: '20000',
      // Five windows cost 500 calls: more than the default budget of 100 a minute.
      UPSTREAM_RATE_PER_MINUTE: '100000',
      BENCH_WINDOW_RETAIN_MS: String(RETAIN_MS),
    },
    { exposeGc: true },
  );
  const get = async (id: string, q: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/instances/${id}/tasks?${new URLSearchParams(q)}`);
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()) as { total: number };
  };
  try {
    // Idle: every code path loaded once (a small window), nothing big cached.
    await get(small, { range: '90d' });
    const idle = await server.memory(true);

    const windows = fixedWindows(sim, instanceId, WINDOWS);
    for (const w of windows) {
      const body = await get(instanceId, isoOf(w));
      if (body.total !== w.tasks) throw new Error(`window holds ${body.total}, not ${w.tasks}`);
    }
    const loaded = await server.memory(true);

    // The store drops stale windows when it next stores one: wait out TTL and retention, then read a small one.
    await new Promise((r) => setTimeout(r, Math.max(TTL_MS, RETAIN_MS) + 500));
    await get(small, { range: '30d' });
    const expired = await server.memory(true);

    const mb = (n: number) => n / MB;
    const grown = loaded.heapUsed - idle.heapUsed;
    const released = loaded.heapUsed - expired.heapUsed;
    return [
      result({
        name: 'memory',
        metric: 'RSS idle (after GC)',
        value: mb(idle.rss),
        unit: 'MB',
        baseline: null,
        budget: null,
      }),
      result({
        name: 'memory',
        metric: `RSS with ${WINDOWS} windows of ${windows[0]!.tasks}+ tasks (after GC)`,
        value: mb(loaded.rss),
        unit: 'MB',
        baseline: mb(idle.rss),
        baselineNote: 'RSS idle',
        budget: null,
      }),
      result({
        name: 'memory',
        metric: `RSS after expiry + eviction (after GC)`,
        value: mb(expired.rss),
        unit: 'MB',
        baseline: mb(loaded.rss),
        baselineNote: `RSS with ${WINDOWS} windows`,
        budget: null,
      }),
      result({
        name: 'memory',
        metric: `heap used with ${WINDOWS} windows (after GC)`,
        value: mb(loaded.heapUsed),
        unit: 'MB',
        baseline: mb(idle.heapUsed),
        baselineNote: 'heap used idle',
        budget: null,
      }),
      result({
        name: 'memory',
        metric: 'share of the windows’ heap released after expiry',
        value: grown > 0 ? (100 * released) / grown : 0,
        unit: '%',
        baseline: null,
        budget: 90,
        budgetKind: 'min',
      }),
    ];
  } finally {
    await server.stop();
    await sim.close();
  }
};
