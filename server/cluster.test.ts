import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../shared/task.ts';
import { createCallBudget } from './budget.ts';
import { type Cluster, connectCluster } from './cluster.ts';
import { DomainError } from './domain-error.ts';
import { REDIS_SERVER, type RunningRedis, startRedis } from './reliability/redis.ts';
import type { WindowEntry } from './tasks/window.ts';

if (!REDIS_SERVER)
  console.warn('SKIPPED server/cluster.test.ts: no redis-server binary (apt-get install redis-server)');

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const task = (i: number): Task => ({
  id: i.toString(16).padStart(32, '0'),
  name: `task ${i}`,
  status: 'SUCCESS',
  userName: 'ops',
  userId: 'u1',
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)).toISOString(),
  durationMs: 60_000,
  params: JSON.stringify({ i, text: 'é'.repeat(i % 7) }),
});
const entry = (n: number): WindowEntry => {
  const tasks = Array.from({ length: n }, (_, i) => task(i));
  return {
    instanceId: 'i-1',
    from: 0,
    to: 1000,
    rollingMs: undefined,
    coveredUntil: 999,
    reconciledAt: Date.now(),
    tasks,
    byId: new Map(tasks.map((t) => [t.id, t])),
    fetchedAt: Date.now(),
  };
};

describe.skipIf(!REDIS_SERVER)('replicas sharing state through a real Redis', () => {
  let redis: RunningRedis;
  let a: Cluster;
  let b: Cluster;
  beforeAll(async () => {
    redis = await startRedis();
    a = connectCluster({ url: redis.url, pollMs: 10 });
    b = connectCluster({ url: redis.url, pollMs: 10 });
    await until('both replicas on Redis', () => a.state() === 'redis' && b.state() === 'redis');
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('fetches a window once across replicas, and serves it to the other from Redis, compressed', async () => {
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 100));
      return entry(500);
    };
    const [x, y] = await Promise.all([a.sharedWindow('k1', 60_000, fetch), b.sharedWindow('k1', 60_000, fetch)]);
    expect(fetches).toBe(1);
    expect(y.tasks).toEqual(x.tasks);
    expect(y.byId.get(task(7).id)).toEqual(task(7));
    const later = await b.sharedWindow('k1', 60_000, fetch);
    expect(fetches).toBe(1);
    expect(later.tasks).toHaveLength(500);
    const stored = await a.redis.getBuffer('dms-console:window:k1');
    expect(stored!.length).toBeLessThan(JSON.stringify(x.tasks).length / 4);
    const ttl = await a.redis.pttl('dms-console:window:k1');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('fetches again when what Redis holds is not a window (and overwrites it)', async () => {
    await a.redis.set('dms-console:window:k2', 'not gzip');
    let fetches = 0;
    const got = await b.sharedWindow('k2', 60_000, async () => (fetches++, entry(3)));
    expect(fetches).toBe(1);
    expect(got.tasks).toHaveLength(3);
    expect((await a.sharedWindow('k2', 60_000, async () => (fetches++, entry(3)))).tasks).toHaveLength(3);
    expect(fetches).toBe(1);
  });

  it('lets a waiting replica take over when the fetching one fails', async () => {
    let fetches = 0;
    const failing = async (): Promise<WindowEntry> => {
      fetches++;
      await new Promise((r) => setTimeout(r, 50));
      throw new DomainError('UPSTREAM_TIMEOUT', 'no answer');
    };
    const [x, y] = await Promise.allSettled([
      a.sharedWindow('k3', 60_000, failing),
      new Promise((r) => setTimeout(r, 10)).then(() => b.sharedWindow('k3', 60_000, async () => (fetches++, entry(2)))),
    ]);
    expect(x.status).toBe('rejected');
    expect(y.status === 'fulfilled' && y.value.tasks).toHaveLength(2);
    expect(fetches).toBe(2);
  });

  it('shares one budget, falls back to each replica’s share while Redis is away, and rejoins after', async () => {
    const key = `ak-test-${Date.now()}`;
    const budgetOf = (c: Cluster) =>
      createCallBudget({ ratePerMinute: 10, maxWaitMs: 0, shared: { redis: c.redis, key, replicas: 2 } });
    const [ba, bb] = [budgetOf(a), budgetOf(b)];
    const first = await ba.reserve(6);
    expect(await bb.available()).toBe(4);
    await expect(bb.reserve(5)).rejects.toMatchObject({ code: 'UPSTREAM_BUDGET' });
    const second = await bb.reserve(4);
    first.close();
    second.close();
    await expect.poll(() => ba.available()).toBe(10);

    await redis.kill();
    await until('both replicas in fallback', () => a.state() === 'fallback' && b.state() === 'fallback');
    // each replica alone: its share, 10 / 2
    expect(await ba.available()).toBe(5);
    const own = await ba.reserve(5);
    await expect(ba.reserve(1)).rejects.toMatchObject({ code: 'UPSTREAM_BUDGET' });
    expect((await bb.reserve(5)).remaining).toBe(5);
    own.close();
    // windows are fetched by each replica while Redis is away
    let fetches = 0;
    await a.sharedWindow('k4', 60_000, async () => (fetches++, entry(1)));
    await b.sharedWindow('k4', 60_000, async () => (fetches++, entry(1)));
    expect(fetches).toBe(2);

    await redis.restart();
    await until('both replicas back on Redis', () => a.state() === 'redis' && b.state() === 'redis', 15_000);
    await ba.reserve(7);
    expect(await bb.available()).toBe(3);
    await a.sharedWindow('k5', 60_000, async () => (fetches++, entry(1)));
    await b.sharedWindow('k5', 60_000, async () => (fetches++, entry(1)));
    expect(fetches).toBe(3);
  }, 40_000);
});
