import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, TASK_STATUSES } from '../../shared/contract.ts';
import { DAY, ENGINE_KINDS, HISTORY_DAYS, seed, taskAt } from './seed.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { readAnswer, sdkFetch } from './test-client.ts';

const NOW = Date.UTC(2026, 10, 28, 3, 0, 0);

describe('seeded data', () => {
  const data = seed(42, NOW);
  const byName = (name: string) => data.instances.find((i) => i.plan.name === name)!;
  const allTasks = data.instances.flatMap((i) => i.tasks);

  it('is the same for the same seed and differs for another', () => {
    expect(seed(42, NOW)).toEqual(data);
    expect(seed(43, NOW).instances[0]!.instance.instance_id).not.toBe(data.instances[0]!.instance.instance_id);
  });

  it('has single and cluster instances, several versions and statuses, a long name, one with no tasks, one with 10,000+', () => {
    const instances = data.instances.map((i) => i.instance);
    expect(new Set(instances.map((i) => i.type))).toEqual(new Set(['single', 'cluster']));
    expect(new Set(instances.map((i) => i.engine_version)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(instances.map((i) => i.status)).size).toBeGreaterThanOrEqual(4);
    expect(instances.some((i) => i.name.length > 60)).toBe(true);
    expect(data.instances.some((i) => i.tasks.length === 0)).toBe(true);
    expect(byName('prod-orders').tasks.length).toBeGreaterThanOrEqual(10_000);
    for (const i of instances)
      expect(i.instance_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is a mixed fleet: a Kafka and a RocketMQ instance beside the RabbitMQ ones, each with its own task names', () => {
    expect(new Set(data.instances.map((i) => i.instance.engine))).toEqual(new Set(ENGINES));
    for (const engine of ENGINES) {
      const own = new Set(ENGINE_KINDS[engine].map((k) => k.name));
      const instances = data.instances.filter((i) => i.instance.engine === engine);
      const names = new Set(instances.flatMap((i) => i.tasks.map((t) => t.name)));
      expect(names.size).toBeGreaterThan(0);
      expect([...names].filter((n) => !own.has(n))).toEqual([]);
    }
  });

  it('has all six statuses at seed time, awkward params and unicode users', () => {
    const statuses = new Set(allTasks.map((t) => taskAt(t, NOW).status));
    expect([...statuses].sort()).toEqual([...TASK_STATUSES].sort());
    const notJson = allTasks.filter((t) => {
      try {
        JSON.parse(t.params);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...allTasks.map((t) => t.params.length))).toBeGreaterThan(100_000);
    expect(allTasks.some((t) => [...t.user_name].some((ch) => ch.charCodeAt(0) > 127))).toBe(true);
    expect(new Set(allTasks.map((t) => t.id)).size).toBe(allTasks.length);
  });

  it('reaches back 90 days with quiet days and bursts', () => {
    const tasks = byName('prod-orders').tasks;
    expect(tasks[0]!.createdMs).toBeGreaterThanOrEqual(NOW - HISTORY_DAYS * DAY);
    expect(tasks[0]!.createdMs).toBeLessThan(NOW - (HISTORY_DAYS - 5) * DAY);
    const perDay = Array.from(
      { length: HISTORY_DAYS - 1 },
      (_, d) => tasks.filter((t) => t.createdMs <= NOW - d * DAY && t.createdMs > NOW - (d + 1) * DAY).length,
    );
    const sorted = [...perDay].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(perDay.filter((n) => n === 0).length).toBeGreaterThan(3);
    expect(Math.max(...perDay)).toBeGreaterThan(3 * median);
  });
});

describe('live data, by an injected clock', () => {
  let now = Date.now();
  let sim: RunningSimulator;
  const start = now;
  afterAll(() => sim.close());

  const list = async (limit = 100) => {
    const orders = sim.data.instances[0]!.instance_id;
    const a = await readAnswer(
      await sdkFetch(sim, { path: `/v2/{project_id}/instances/${orders}/tasks`, query: { limit } }),
    );
    return {
      count: Number(a.json.task_count),
      tasks: a.json.tasks as { id: string; status: string; created_at: string; updated_at: string }[],
    };
  };

  const show = async (id: string) => {
    const orders = sim.data.instances[0]!.instance_id;
    const a = await readAnswer(await sdkFetch(sim, { path: `/v2/{project_id}/instances/${orders}/tasks/${id}` }));
    return (a.json.tasks as { status: string; created_at: string; updated_at: string }[])[0]!;
  };

  it('moves CREATED and EXECUTING tasks on to their end, and new tasks keep arriving', async () => {
    sim = await startSimulator({ clock: () => now });
    const before = await list();
    const created = before.tasks.find((t) => t.status === 'CREATED');
    expect(created).toBeDefined();
    // all but the resize seeded to be stuck (two hours in, a month to go)
    const executing = before.tasks
      .filter((t) => t.status === 'EXECUTING' && Date.parse(t.created_at) > start - 3_600_000)
      .map((t) => t.id);
    expect(executing.length).toBeGreaterThan(0);

    now = start + 10_000;
    expect((await list()).tasks.find((t) => t.id === created!.id)!.status).toBe('EXECUTING');

    now = start + 40 * 60_000;
    const after = await list();
    // the resize seeded to run 15 more minutes, and everything else, has finished
    for (const id of [...executing, created!.id]) {
      expect(['SUCCESS', 'FAILED', 'CANCELLED', 'DELETED']).toContain((await show(id)).status);
    }
    const wasCreated = await show(created!.id);
    expect(Date.parse(wasCreated.updated_at)).toBeGreaterThan(Date.parse(wasCreated.created_at));

    // prod-orders takes about 3 a minute: 40 minutes bring dozens, none from the future
    expect(after.count - before.count).toBeGreaterThan(40);
    expect(after.count - before.count).toBeLessThan(250);
    expect(Math.max(...after.tasks.map((t) => Date.parse(t.created_at)))).toBeLessThanOrEqual(now);
    const fresh = after.tasks.filter((t) => Date.parse(t.created_at) > start);
    expect(fresh.some((t) => t.status === 'EXECUTING' || t.status === 'CREATED' || t.status === 'SUCCESS')).toBe(true);

    // a clock set back hides what has not arrived yet
    now = start + 60_000;
    expect((await list()).count).toBeLessThan(after.count);
  });

  it('is the same for two runs with the same seed and clock', async () => {
    let t = Date.UTC(2026, 0, 1);
    const a = await startSimulator({ clock: () => t, seed: 5 });
    const b = await startSimulator({ clock: () => t, seed: 5 });
    t += 3_600_000;
    const id = a.data.instances[0]!.instance_id;
    expect(a.data.tasks.get(id)!.slice(0, 300)).toEqual(b.data.tasks.get(id)!.slice(0, 300));
    await Promise.all([a.close(), b.close()]);
  });
});
