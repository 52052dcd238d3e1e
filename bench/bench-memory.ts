import { startConsoleProcess } from './console-process.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { fixedWindows, isoOf, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const WINDOWS = 5;
const TTL_MS = 2_000;
const RETAIN_MS = 3_000;
const MB = 1024 * 1024;
/** The cache bound of the second console, and what it is filled with. */
const CACHE_MAX_MB = 64;
const BOUND_WINDOWS = 12;
const BOUND_SPAN_MS = 7 * 86_400_000;
const PARAMS_BYTES = 16 * 1024;

/**
 * A second console with WINDOW_CACHE_MAX_MB=64, and windows far bigger than that in all: every
 * task of the big instance given 16 KB of params (the most a list row carries), then 12
 * distinct week-long windows of it read (about 800 tasks, 13 MB of params, each), each with two
 * pages answered. RSS after GC against idle: bounded by the cache, not by what was read.
 */
const boundedByCache = async (
  sim: Awaited<ReturnType<typeof startBenchSimulator>>['sim'],
  instanceId: string,
  small: string,
): Promise<BenchResult[]> => {
  // the simulator's own records (what it answers is made from them at each call)
  const tasks = sim.data.store.seeded.instances.find((s) => s.instance.instance_id === instanceId)!.tasks;
  const original = tasks.map((t) => t.params);
  const server = await startConsoleProcess(
    'memory-bound',
    {
      ...liveEnv(sim),
      WINDOW_CACHE_MAX_MB: String(CACHE_MAX_MB),
      WINDOW_CACHE_TTL_MS: '600000',
      WINDOW_MAX_TASKS: '20000',
      UPSTREAM_RATE_PER_MINUTE: '100000',
    },
    { exposeGc: true },
  );
  try {
    const get = async (id: string, q: Record<string, string>) => {
      const res = await fetch(`${server.url}/api/instances/${id}/tasks?${new URLSearchParams(q)}`);
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      return (await res.json()) as { total: number; tasks: { params: string }[] };
    };
    await get(small, { range: '90d' });
    const idle = await server.memory(true);
    for (const [i, t] of tasks.entries()) {
      const pad = `{"note":"${String(i).padStart(8, '0')}${'x'.repeat(PARAMS_BYTES)}`;
      t.params = `${pad.slice(0, PARAMS_BYTES - 2)}"}`;
    }
    const end = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    let read = 0;
    let paramsMb = 0;
    for (let w = 0; w < BOUND_WINDOWS; w++) {
      const to = end - w * BOUND_SPAN_MS;
      const q = { from: new Date(to - BOUND_SPAN_MS + 1000).toISOString(), to: new Date(to).toISOString() };
      const { total, tasks: rows } = await get(instanceId, q);
      // the console read the padded params (a list row carries up to 16 KB of them)
      if (rows.some((r) => r.params.length !== PARAMS_BYTES)) throw new Error('the windows do not hold 16 KB params');
      await get(instanceId, { ...q, page: '2' });
      read += total;
      paramsMb += (total * PARAMS_BYTES) / MB;
    }
    const loaded = await server.memory(true);
    const grown = (loaded.rss - idle.rss) / MB;
    const heap = (loaded.heapUsed - idle.heapUsed) / MB;
    return [
      result({
        name: 'memory',
        metric: `RSS growth, ${BOUND_WINDOWS} windows (${read} tasks, ${Math.round(paramsMb)} MB of params) under WINDOW_CACHE_MAX_MB=${CACHE_MAX_MB} (after GC)`,
        value: grown,
        unit: 'MB',
        baseline: paramsMb,
        baselineNote: 'the params read, what an unbounded cache would hold at least',
        // V8 keeps freed pages and the parse's garbage for reuse: the bound plus half again
        budget: CACHE_MAX_MB * 1.5,
      }),
      result({
        name: 'memory',
        metric: `heap growth, the same ${BOUND_WINDOWS} windows under WINDOW_CACHE_MAX_MB=${CACHE_MAX_MB} (after GC)`,
        value: heap,
        unit: 'MB',
        baseline: paramsMb,
        baselineNote: 'the params read',
        budget: CACHE_MAX_MB,
      }),
    ];
  } finally {
    for (const [i, t] of tasks.entries()) t.params = original[i]!;
    await server.stop();
  }
};

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

    const bound = await boundedByCache(sim, instanceId, small);
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
      ...bound,
    ];
  } finally {
    await server.stop();
    await sim.close();
  }
};
