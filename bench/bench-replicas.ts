import { startRedis } from '../server/reliability/redis.ts';
import { type ConsoleProcess, startConsoleProcess } from './console-process.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { fixedWindows, type FixedWindow, isoOf, listCalls, pagesOf, startBenchSimulator } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const REPLICAS = 3;
const CLIENTS = 30;
const LATENCY_MS = 50;
/** Windows fetched through one replica, then asked once each through another (served from Redis). */
const HANDED_OVER = 20;

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.99 * xs.length) - 1]!;

/**
 * Three replicas (console processes) in live mode against one simulator at 50 ms a call: 30
 * clients spread over them open the same cold 10,000-task window, once with each replica alone
 * and once sharing a real redis-server; then a window fetched by one replica is asked through
 * another, which answers it from Redis, beside the same first ask of a window in its own cache.
 */
export const run = async (): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator({ latencyMs: LATENCY_MS });
  const redis = await startRedis();
  const windows = fixedWindows(sim, instanceId, 2 + 2 * HANDED_OVER);
  const { pages, total } = await pagesOf(sim, windows[0]!);
  const urlOf = (base: string, w: FixedWindow) =>
    `${base}/api/instances/${instanceId}/tasks?${new URLSearchParams(isoOf(w))}`;
  const start = (name: string, env: Record<string, string>) =>
    Promise.all(
      Array.from({ length: REPLICAS }, (_, i) =>
        startConsoleProcess(`${name}-${i}`, {
          ...liveEnv(sim),
          DMS_PAGING: 'start',
          WINDOW_MAX_TASKS: '20000',
          WINDOW_CACHE_TTL_MS: '600000',
          UPSTREAM_RATE_PER_MINUTE: '100000',
          ...env,
        }),
      ),
    );
  const fanIn = async (replicas: ConsoleProcess[], w: FixedWindow) => {
    for (const r of replicas) if (!(await fetch(`${r.url}/api/instances`)).ok) throw new Error('no instances');
    sim.control.clearRequests();
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const res = await fetch(urlOf(replicas[c % REPLICAS]!.url, w));
        return { status: res.status, total: ((await res.json()) as { total?: number }).total };
      }),
    );
    const ms = performance.now() - t0;
    const bad = answers.filter((a) => a.status !== 200 || a.total !== w.tasks);
    if (bad.length) throw new Error(`${bad.length} answers wrong, e.g. ${JSON.stringify(bad[0])}`);
    return { calls: listCalls(sim), ms };
  };
  const firstAsk = async (url: string) => {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t0;
  };

  let replicas: ConsoleProcess[] = [];
  try {
    replicas = await start('replicas-alone', {});
    const alone = await fanIn(replicas, windows[0]!);
    await Promise.all(replicas.map((r) => r.stop()));
    replicas = await start('replicas-redis', { REDIS_URL: redis.url, REPLICAS: String(REPLICAS) });
    const shared = await fanIn(replicas, windows[1]!);

    // Handed over: fetched through replica 0, then the first ask through replica 1 reads Redis.
    // Baseline: the first ask through replica 0 of a window already in its own cache.
    const [r0, r1] = replicas as [ConsoleProcess, ConsoleProcess];
    const fromRedis: number[] = [];
    const fromOwn: number[] = [];
    for (let i = 0; i < HANDED_OVER; i++) {
      const viaRedis = windows[2 + 2 * i]!;
      const own = windows[3 + 2 * i]!;
      await firstAsk(urlOf(r0.url, viaRedis));
      await firstAsk(urlOf(r0.url, own));
      fromRedis.push(await firstAsk(`${urlOf(r1.url, viaRedis)}&pageSize=50`));
      fromOwn.push(await firstAsk(`${urlOf(r0.url, own)}&pageSize=50`));
    }
    return [
      result({
        name: 'replicas',
        metric: `upstream calls, ${CLIENTS} clients over ${REPLICAS} replicas sharing Redis, one cold window (${total} tasks: its pages and the endpoint's one paging-learning call)`,
        value: shared.calls,
        unit: 'calls',
        baseline: alone.calls,
        baselineNote: `the same ${REPLICAS} replicas without Redis, each fetching the window`,
        budget: pages + 1,
      }),
      result({
        name: 'replicas',
        metric: `time until all ${CLIENTS} answered, sharing Redis, ${LATENCY_MS} ms/call`,
        value: shared.ms,
        unit: 'ms',
        baseline: alone.ms,
        baselineNote: `the same ${REPLICAS} replicas without Redis`,
        budget: null,
      }),
      result({
        name: 'replicas',
        metric: `p99 first answer of a ${total}-task window through a replica that did not fetch it (from Redis), ${HANDED_OVER} windows`,
        value: p99(fromRedis),
        unit: 'ms',
        baseline: p99(fromOwn),
        baselineNote: 'the first answer of the same size of window from the fetching replica’s own cache',
        budget: null,
        samples: fromRedis.map((x) => Math.round(x * 10) / 10),
      }),
    ];
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis.stop();
    await sim.close();
  }
};
