import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskListSchema } from '../shared/task.ts';
import { type ConsoleChild, liveEnv, spawnConsole } from '../server/reliability/spawn-console.ts';
import { REDIS_SERVER, type RunningRedis, startRedis } from '../server/reliability/redis.ts';
import type { Readiness } from '../server/routes/ready.ts';
import { type RunningSimulator, startSimulator } from '../server/simulator/server.ts';

/**
 * Three console replicas (real server processes) in live mode against one standalone simulator,
 * sharing a real redis-server: one call budget, each window fetched once across the replicas,
 * and what happens when Redis dies and comes back (docs/decisions/0011).
 */
if (!REDIS_SERVER)
  console.warn('SKIPPED cluster/replicas.cluster.test.ts: no redis-server binary (apt-get install redis-server)');

const BUDGET = 50;
const REPLICAS = 3;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const startReplica = (sim: RunningSimulator, redisUrl: string) =>
  spawnConsole({
    ...liveEnv(sim),
    HUAWEICLOUD_SDK_REGION: 'cn-north-4',
    DMS_PAGING: 'start',
    UPSTREAM_RATE_PER_MINUTE: String(BUDGET),
    UPSTREAM_MAX_WAIT_MS: '0',
    WINDOW_CACHE_TTL_MS: '300000',
    REDIS_URL: redisUrl,
    REPLICAS: String(REPLICAS),
  });

const ready = async (r: ConsoleChild) => (await (await fetch(`${r.url}/api/ready`)).json()) as Readiness;
const untilAll = async (replicas: ConsoleChild[], state: Readiness['sharedState']) => {
  const end = Date.now() + 20_000;
  for (;;) {
    const states = await Promise.all(replicas.map(async (r) => (await ready(r)).sharedState));
    if (states.every((s) => s === state)) return;
    if (Date.now() > end) throw new Error(`replicas' shared state is ${states.join(', ')}, not ${state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const metric = async (r: ConsoleChild, name: string, labels = '') => {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

let redis: RunningRedis;
let sim: RunningSimulator;
let replicas: ConsoleChild[] = [];

/** The most calls the simulator saw in any 60 s. */
const busiestMinute = () => {
  const times = sim.control
    .requests()
    .filter((r) => r.operation !== null)
    .map((r) => Date.parse(r.at))
    .sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 60_000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
};
const listCalls = (instanceId: string) =>
  sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks' && r.path.includes(instanceId)).length;

/** A window of an instance that ends `endAgo` before now, with no task within 2 s of its bounds. */
const windowOf = (name: string, span: number, endAgo: number) => {
  const instanceId = sim.data.instances.find((i) => i.name === name)!.instance_id;
  const created = sim.data.tasks.get(instanceId)!.map((t) => Date.parse(t.created_at));
  const clear = (at: number) => created.every((c) => Math.abs(c - at) > 2_000);
  let to = Math.floor((Date.now() - endAgo) / 1000) * 1000;
  while (!clear(to) || !clear(to - span)) to -= 5_000;
  const from = to - span;
  const n = created.filter((c) => c >= from && c <= to + 999).length;
  const query = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  return {
    name,
    instanceId,
    n,
    calls: Math.max(1, Math.ceil(n / 100)),
    path: `/api/instances/${instanceId}/tasks?${query}`,
  };
};

const ask = async (r: ConsoleChild, path: string) => {
  const res = await fetch(`${r.url}${path}`);
  const body = await res.text();
  return { status: res.status, body };
};

describe.skipIf(!REDIS_SERVER)('three replicas sharing one Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({ port: 0 });
    replicas = await Promise.all(Array.from({ length: REPLICAS }, () => startReplica(sim, redis.url)));
    await untilAll(replicas, 'redis');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await sim?.close();
    await redis?.stop();
  });

  it('fetches each of 5 cold windows once for 30 users over 3 replicas, within one budget', async () => {
    const windows = [
      windowOf('prod-orders', 7 * DAY, HOUR),
      windowOf('prod-payments', 30 * DAY, HOUR),
      windowOf('staging-events', 30 * DAY, HOUR),
      windowOf('analytics-ingest-eu-west-primary-cluster-with-a-very-long-name-for-layout-tests', 30 * DAY, HOUR),
      windowOf('legacy-billing', 30 * DAY, HOUR),
    ];
    const total = windows.reduce((s, w) => s + w.calls, 0);
    // unshared, three replicas would need three times this: more than the budget
    expect(REPLICAS * total).toBeGreaterThan(BUDGET);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, user) => {
        const w = windows[user % windows.length]!;
        return ask(replicas[user % REPLICAS]!, `${w.path}&pageSize=20&page=${1 + (user % 2)}`).then((a) => ({
          w,
          ...a,
        }));
      }),
    );
    for (const a of answers) {
      expect(a.status, a.body).toBe(200);
      expect(taskListSchema.parse(JSON.parse(a.body)).total).toBe(a.w.n);
    }
    for (const w of windows) {
      const seen = sim.control
        .requests()
        .filter((r) => r.operation === 'ListBackgroundTasks' && r.path.includes(w.instanceId))
        .map((r) => `${r.at} ${r.status} ${r.durationMs}ms ${r.fault ?? ''} ${r.path.replace(/^.*\?/, '')}`);
      expect(listCalls(w.instanceId), `${w.name}:\n${seen.join('\n')}`).toBe(w.calls);
    }
    expect(busiestMinute()).toBeLessThanOrEqual(BUDGET);
    // one replica fetched each window; the others took it from Redis
    const fetched = await Promise.all(
      replicas.map((r) => metric(r, 'console_shared_windows_total', 'source="fetched"')),
    );
    const fromRedis = await Promise.all(
      replicas.map((r) => metric(r, 'console_shared_windows_total', 'source="redis"')),
    );
    expect(fetched.reduce((s, x) => s + x, 0)).toBe(windows.length);
    expect(fromRedis.reduce((s, x) => s + x, 0)).toBeGreaterThanOrEqual(REPLICAS * windows.length - windows.length);
  }, 120_000);

  it('keeps answering when Redis dies mid-run, says so, and shares again once it is back', async () => {
    sim.control.setFaults({ latencyMs: 300, operations: ['ListBackgroundTasks'] });
    // a month back: no window of the first test holds them (one that did would serve them at once)
    const during = [windowOf('staging-events', 7 * DAY, 31 * DAY), windowOf('legacy-billing', 7 * DAY, 31 * DAY)];
    let inFlight = 0;
    const batch = Promise.all(
      Array.from({ length: 30 }, async (_, user) => {
        inFlight++;
        try {
          return await ask(replicas[user % REPLICAS]!, `${during[user % during.length]!.path}&pageSize=10`);
        } finally {
          inFlight--;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const inFlightAtKill = inFlight;
    await redis.kill();
    // asked right after Redis died, before any replica may have noticed: every one is answered
    const next = await Promise.all(
      Array.from({ length: 30 }, (_, user) =>
        ask(replicas[user % REPLICAS]!, `${during[user % during.length]!.path}&pageSize=10&page=2`),
      ),
    );
    expect(next.filter((a) => a.status !== 200)).toEqual([]);
    const failed = (await batch).filter((a) => a.status >= 500);
    // those in flight when it died may fail (none did in our runs: a waiter falls back to its own fetch)
    expect(failed.length, JSON.stringify(failed)).toBeLessThanOrEqual(inFlightAtKill);
    expect((await batch).filter((a) => a.status !== 200 && a.status < 500)).toEqual([]);
    sim.control.setFaults({});

    await untilAll(replicas, 'fallback');
    for (const r of replicas) {
      expect(await metric(r, 'console_shared_state', 'state="fallback"')).toBe(1);
      expect(r.output()).toMatch(/Redis is away; this replica spends its own share of the budget \(1\/3\)/);
    }
    // alone, each replica fetches for itself, from its own share of the budget
    const alone = windowOf('dev-sandbox', 30 * DAY, HOUR);
    for (const r of replicas) expect((await ask(r, alone.path)).status).toBe(200);
    expect(listCalls(alone.instanceId)).toBe(REPLICAS * alone.calls);

    await redis.restart();
    await untilAll(replicas, 'redis');
    const after = windowOf('prod-payments', 7 * DAY, 31 * DAY);
    const before = listCalls(after.instanceId);
    const shared = await Promise.all(
      Array.from({ length: 30 }, (_, user) => ask(replicas[user % REPLICAS]!, `${after.path}&pageSize=10`)),
    );
    expect(shared.every((a) => a.status === 200)).toBe(true);
    expect(listCalls(after.instanceId) - before).toBe(after.calls);
    expect(busiestMinute()).toBeLessThanOrEqual(BUDGET);
  }, 120_000);
});
