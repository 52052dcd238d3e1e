import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetHistogram, FleetTaskList } from '../../shared/fleet.ts';
import type { TaskList } from '../../shared/task.ts';
import { createApp } from '../app.ts';
import { createCallBudget } from '../budget.ts';
import { createDmsClient } from '../dms/client.ts';
import { createInstanceDirectory } from '../instances.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { simulatorUpstreams } from '../simulator/test-upstreams.ts';
import { createFleetReader, type FleetReaderOptions } from '../tasks/fleet.ts';
import { createWindowStore } from '../tasks/window.ts';

// The fleet route against a fleet simulator over real HTTP with real signatures: six targets
// (three regions, two projects), every engine. Explicit windows keep the cache keys fixed.
let sim: RunningSimulator;
const FLEET = 30;
beforeAll(async () => {
  sim = await startSimulator({ fleet: FLEET });
});
afterAll(() => sim.close());

const NOW = () => Date.now();
const span = () => {
  const to = new Date(Math.floor(NOW() / 1000) * 1000 - 2_000);
  const from = new Date(to.getTime() - 24 * 3_600_000);
  return `from=${from.toISOString()}&to=${to.toISOString()}`;
};

interface Setup {
  /** How long the instance listing is kept; 0 lists again on every request. */
  listingTtlMs?: number;
  rate?: number;
  maxWaitMs?: number;
  fleet?: Partial<FleetReaderOptions>;
}
const build = ({ rate = 100_000, maxWaitMs = 10_000, fleet = {}, listingTtlMs }: Setup = {}) => {
  const calls: { operation: string; path?: string }[] = [];
  const budget = createCallBudget({ ratePerMinute: rate, maxWaitMs });
  const directory = createInstanceDirectory(
    simulatorUpstreams(sim, budget, (c) => calls.push({ operation: c.operation })),
    listingTtlMs,
    0,
  );
  const windows = createWindowStore({ ttlMs: 60_000, maxTasks: 10_000 });
  const reader = createFleetReader({
    windows,
    rollingStepMs: 5_000,
    liveMs: 60_000,
    ratePerMinute: rate,
    firstWaitMs: 30_000,
    ...fleet,
  });
  const app = createApp({ mode: 'simulator', directory, windows, fleet: reader, log: () => undefined });
  return { app, calls, reader, windows };
};

const seeded = () => sim.data.store.seeded.instances;
const tasksIn = (id: string, from: number, to: number) =>
  sim.data.tasks.get(id)!.filter((t) => {
    const c = Date.parse(t.created_at);
    return c >= from && c <= to;
  });
const bounds = (q: string) => {
  const p = new URLSearchParams(q);
  return [Date.parse(p.get('from')!), Date.parse(p.get('to')!) + 999] as const;
};
/** Asks until nothing is being read (all read or failed, or the rest waiting for the budget), as the SPA's polling does. */
const settle = async (app: { request: (path: string) => Response | Promise<Response> }, path: string) => {
  for (;;) {
    const res = await app.request(path);
    const body = (await res.clone().json()) as FleetTaskList;
    if (res.status !== 200 || body.coverage.pending.count === body.coverage.pending.waitingForBudget) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
};
const taskReads = (calls: { operation: string }[]) => calls.filter((c) => c.operation === 'ListBackgroundTasks').length;

describe('GET /api/tasks', () => {
  it('answers the union of every instance, each row and facet naming its instance, project, region and engine', async () => {
    const { app } = build();
    const q = span();
    const [from, to] = bounds(q);
    const res = await settle(app, `/api/tasks?${q}&pageSize=500`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as FleetTaskList;
    expect(body.partial).toBe(false);
    expect(body.coverage).toMatchObject({ total: FLEET, read: FLEET, failed: [], skipped: [] });
    expect(body.coverage.pending.count).toBe(0);
    const expected = seeded().flatMap((s) =>
      tasksIn(s.instance.instance_id, from, to).map((t) => ({ id: t.id, instanceId: s.instance.instance_id, s })),
    );
    expect(body.total).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    for (const t of body.tasks) {
      const s = seeded().find((x) => x.instance.instance_id === t.instanceId)!;
      expect(t).toMatchObject({
        instanceName: s.instance.name,
        engine: s.instance.engine,
        projectId: s.placement!.projectId,
        region: s.placement!.region,
      });
    }
    const count = (key: (s: (typeof expected)[number]['s']) => string) => {
      const c: Record<string, number> = {};
      for (const e of expected) c[key(e.s)] = (c[key(e.s)] ?? 0) + 1;
      return c;
    };
    expect(body.facets.engine).toEqual(count((s) => s.instance.engine));
    expect(body.facets.region).toEqual(count((s) => s.placement!.region));
    expect(body.facets.project).toEqual(count((s) => s.placement!.projectId));
    expect(body.facets.instance).toEqual(count((s) => s.instance.instance_id));
    // newest first across instances
    const created = body.tasks.map((t) => t.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('reads a chosen set only, and the filters, sort and pages of the single-instance view apply', async () => {
    const { app, calls } = build();
    const q = span();
    const [from, to] = bounds(q);
    const busy = seeded().filter((s) => s.plan.livePerMinute > 0);
    const set = busy.map((s) => s.instance.instance_id);
    const res = await settle(app, `/api/tasks?${q}&instances=${set.join(',')}&status=SUCCESS&sort=name&order=asc`);
    const body = (await res.json()) as FleetTaskList;
    expect(body.coverage.total).toBe(set.length);
    expect(taskReads(calls)).toBeGreaterThanOrEqual(set.length);
    expect(taskReads(calls)).toBeLessThanOrEqual(set.length * 3);
    const expected = set.flatMap((id) => tasksIn(id, from, to).filter((t) => t.status === 'SUCCESS'));
    expect(body.total).toBe(expected.length);
    const names = body.tasks.map((t) => t.name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(body.tasks.map((t) => t.instanceId))).toEqual(
      new Set(body.tasks.length ? body.tasks.map((t) => t.instanceId) : []),
    );
    for (const t of body.tasks) expect(set).toContain(t.instanceId);
  });

  it('shares the windows with the single-instance view: opening an instance after the fleet costs no call', async () => {
    const { app, calls } = build();
    const q = span();
    await settle(app, `/api/tasks?${q}`);
    const before = calls.length;
    for (const s of seeded().slice(0, 5)) {
      const res = await app.request(`/api/instances/${s.instance.instance_id}/tasks?${q}`);
      expect(res.status).toBe(200);
      const [from, to] = bounds(q);
      expect(((await res.json()) as TaskList).total).toBe(tasksIn(s.instance.instance_id, from, to).length);
    }
    expect(calls.length).toBe(before);
  });

  it('costs the calls of one viewer for twenty at once', async () => {
    const one = build();
    const q = span();
    await settle(one.app, `/api/tasks?${q}`);
    const many = build();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => settle(many.app, `/api/tasks?${q}&sort=${i % 2 ? 'name' : 'status'}`)),
    );
    for (const a of answers) expect(a.status).toBe(200);
    expect(taskReads(many.calls)).toBe(taskReads(one.calls));
  });

  it('names an instance whose read fails, with its code and request id, and serves the others', async () => {
    const broken = seeded()[1]!.instance.instance_id;
    sim.control.setFaults({ failInstances: [broken] });
    try {
      const { app } = build();
      const q = span();
      const res = await settle(app, `/api/tasks?${q}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as FleetTaskList;
      expect(body.partial).toBe(true);
      expect(body.coverage.read).toBe(FLEET - 1);
      expect(body.coverage.failed).toEqual([
        {
          instanceId: broken,
          name: seeded()[1]!.instance.name,
          error: expect.objectContaining({
            code: 'UPSTREAM_ERROR',
            upstream: expect.objectContaining({
              errorCode: 'DMS.00500000',
              requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
            }),
          }),
        },
      ]);
      expect(body.tasks.some((t) => t.instanceId === broken)).toBe(false);
      expect(body.total).toBeGreaterThan(0);
      // the export says so too
      const csv = await app.request(`/api/tasks/export?${q}&format=csv`);
      expect(csv.headers.get('x-fleet-partial')).toBe('true');
      expect(csv.headers.get('content-disposition')).toMatch(/_partial\.csv"$/);
      const json = (await (await app.request(`/api/tasks/export?${q}&format=json`)).json()) as {
        partial: boolean;
        coverage: { failed: unknown[] };
        total: number;
      };
      expect(json.partial).toBe(true);
      expect(json.coverage.failed).toHaveLength(1);
      expect(json.total).toBe(body.total);
    } finally {
      sim.control.setFaults({});
    }
  });

  it('answers what it has, never waiting for the slowest instance', async () => {
    sim.control.setFaults({ latencyMs: 1_500, operations: ['ListBackgroundTasks'] });
    try {
      const { app, reader } = build({ fleet: { firstWaitMs: 50, concurrency: 2 } });
      const res = await app.request(`/api/tasks?${span()}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as FleetTaskList;
      expect(body.partial).toBe(true);
      expect(body.coverage.pending.count).toBeGreaterThan(0);
      expect(body.coverage.read + body.coverage.pending.count).toBe(FLEET);
      reader.close();
    } finally {
      sim.control.setFaults({});
    }
  });

  it('shows a read the budget cannot pay for yet as pending with an estimate, not as an error', async () => {
    // the listings take 18 calls (3 engines x 6 targets): 25 a minute leaves a few windows
    const { app, reader } = build({ rate: 25, maxWaitMs: 0, fleet: { firstWaitMs: 30_000 } });
    const res = await settle(app, `/api/tasks?${span()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as FleetTaskList;
    expect(body.partial).toBe(true);
    expect(body.coverage.failed).toEqual([]);
    expect(body.coverage.pending.waitingForBudget).toBeGreaterThan(0);
    expect(body.coverage.pending.estimateMs).toBe(Math.ceil((body.coverage.pending.count / 25) * 60_000));
    expect(body.coverage.read).toBeLessThan(FLEET);
    reader.close();
  });

  it('keeps the set when the budget the fleet spent refuses the next instance listing', async () => {
    const { app, reader } = build({ rate: 25, maxWaitMs: 0, listingTtlMs: 0 });
    const q = span();
    const first = (await (await settle(app, `/api/tasks?${q}`)).json()) as FleetTaskList;
    expect(first.coverage.total).toBe(FLEET);
    // the budget is spent: this request's listings are refused, the view keeps every instance
    const res = await app.request(`/api/tasks?${q}`);
    expect(res.status).toBe(200);
    const again = (await res.json()) as FleetTaskList;
    expect(again.coverage.total).toBe(FLEET);
    expect(again.coverage.read).toBeGreaterThanOrEqual(first.coverage.read);
    reader.close();
  });

  it('reads instances with unfinished work or under change first', async () => {
    sim.control.clearRequests();
    const { app, calls } = build({ fleet: { concurrency: 1 } });
    await settle(app, `/api/tasks?${span()}`);
    expect(taskReads(calls)).toBeGreaterThanOrEqual(FLEET);
    const order = sim.control
      .requests()
      .filter((r) => r.operation === 'ListBackgroundTasks')
      .map((r) => /instances\/([^/]+)\/tasks/.exec(r.path)![1]!);
    const first = seeded().find((s) => s.instance.instance_id === order[0])!;
    expect(['EXTENDING', 'RESTARTING', 'CREATING'].some((st) => first.instance.status === st)).toBe(true);
  });

  it('refuses a set that is not instance ids, naming the parameter', async () => {
    const { app } = build();
    const res = await app.request(`/api/tasks?instances=prod-orders`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/"instances"/);
  });

  it('skips an instance no target lists, and says so', async () => {
    const { app } = build();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const body = (await (
      await settle(app, `/api/tasks?${span()}&instances=${seeded()[0]!.instance.instance_id},${unknown}`)
    ).json()) as FleetTaskList;
    expect(body.coverage.skipped).toEqual([{ instanceId: unknown, reason: expect.stringMatching(/not listed/) }]);
    expect(body.coverage).toMatchObject({ total: 2, read: 1 });
    expect(body.partial).toBe(true);
  });

  it('sorts by where a task ran: instance, engine, project and region, ties newest first', async () => {
    const { app } = build();
    const q = span();
    await settle(app, `/api/tasks?${q}`);
    for (const [sort, order] of [
      ['instanceName', 'asc'],
      ['engine', 'desc'],
      ['projectId', 'asc'],
      ['region', 'desc'],
    ] as const) {
      const res = await app.request(`/api/tasks?${q}&sort=${sort}&order=${order}&pageSize=500`);
      expect(res.status).toBe(200);
      const { tasks, total } = (await res.json()) as FleetTaskList;
      expect(tasks.length).toBe(Math.min(500, total));
      const keys = tasks.map((t) => t[sort]);
      const sorted = [...keys].sort();
      expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
      expect(new Set(keys).size).toBeGreaterThan(1);
      // within one instance the single-instance view's tie-break holds: newest first
      const first = tasks.filter((t) => t[sort] === keys[0]).map((t) => t.createdAt);
      expect([...first].sort().reverse()).toEqual(first);
    }
    // the single-instance list does not take them: its tasks say nothing of where they ran
    const one = await app.request(`/api/instances/${seeded()[0]!.instance.instance_id}/tasks?${q}&sort=instanceName`);
    expect(one.status).toBe(400);
    expect((await app.request(`/api/tasks?${q}&sort=bogus`)).status).toBe(400);
  });

  it('answers the histogram of the union under the same filters, with how much of the set it holds', async () => {
    const { app, calls, windows } = build();
    const q = span();
    const [from, to] = bounds(q);
    await settle(app, `/api/tasks?${q}`);
    const before = taskReads(calls);
    const res = await app.request(`/api/tasks/histogram?${q}&status=FAILED,SUCCESS&tz=UTC`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as FleetHistogram;
    expect(body.coverage).toEqual({ read: FLEET, total: FLEET, pending: 0 });
    expect(body.partial).toBe(false);
    expect(body.histogram.tz).toBe('UTC');
    const counted: Record<string, number> = {};
    for (const b of body.histogram.buckets)
      for (const [status, n] of Object.entries(b.counts)) counted[status] = (counted[status] ?? 0) + n;
    const expected: Record<string, number> = {};
    for (const s of seeded())
      for (const t of tasksIn(s.instance.instance_id, from, to))
        if (t.status === 'FAILED' || t.status === 'SUCCESS') expected[t.status] = (expected[t.status] ?? 0) + 1;
    expect(counted).toEqual(expected);
    expect(Date.parse(body.histogram.buckets[0]!.start)).toBeLessThanOrEqual(from);
    expect(Date.parse(body.histogram.buckets.at(-1)!.end)).toBeGreaterThanOrEqual(to - 999);
    // over the windows the list read: no call of its own
    expect(taskReads(calls)).toBe(before);
    // compressed for a client that accepts it, as the list is: the same JSON, kept in the window cache
    const held = windows.size.bytes;
    const br = await app.request(`/api/tasks/histogram?${q}&status=FAILED,SUCCESS&tz=UTC`, {
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const bytes = Buffer.from(await br.arrayBuffer());
    expect(JSON.parse(brotliDecompressSync(bytes).toString())).toEqual(body);
    expect(windows.size.bytes).toBeGreaterThanOrEqual(held + bytes.length);
    expect((await app.request(`/api/tasks/histogram?${q}&tz=Not/AZone`)).status).toBe(400);
  });
});

describe('the fleet read between re-reads', () => {
  it('keeps its answers, counted in the window cache, while re-reads find the same windows, and drops them when one changes', async () => {
    let t = Date.now();
    // one clock for the reader and the window store: the test says when a window is stale
    const store = createWindowStore({ ttlMs: 120_000, maxTasks: 10_000, now: () => t });
    const inFlight: Promise<unknown>[] = [];
    let gets = 0;
    const reader = createFleetReader({
      windows: {
        get: (source, target, signal) => {
          gets++;
          const p = store.get(source, target, signal);
          inFlight.push(p.catch(() => undefined));
          return p;
        },
        hold: store.hold,
        dropGroup: store.dropGroup,
      },
      rollingStepMs: 5_000,
      liveMs: 5_000,
      ratePerMinute: 100_000,
      concurrency: FLEET,
      firstWaitMs: 0,
      idleMs: 3_600_000,
      now: () => t,
    });
    const budget = createCallBudget({ ratePerMinute: 100_000, maxWaitMs: 10_000 });
    const members = (await createInstanceDirectory(simulatorUpstreams(sim, budget)).entries()).entries;
    // a day that ended two days ago: every task in it has finished
    const to = Math.floor(NOW() / 1000) * 1000 - 2 * 86_400_000;
    const window = { from: new Date(to - 86_400_000).toISOString(), to: new Date(to).toISOString() };
    /** A poll at the test's clock, once every read it started has ended. */
    const poll = async () => {
      await reader.read(members, window);
      while (inFlight.length) await Promise.all(inFlight.splice(0));
      await new Promise((r) => setImmediate(r));
      return reader.read(members, window);
    };
    const first = await poll();
    expect(first.coverage.read).toBe(FLEET);
    let made = 0;
    const page = () => {
      made++;
      return new Uint8Array(50_000);
    };
    const size = (b: Uint8Array) => b.byteLength;
    const body = first.memo('page', page, size);
    const held = store.size.bytes;
    expect(held).toBeGreaterThan(50_000);

    // a minute on every quiet instance is read again, and the store answers the same windows
    t += 61_000;
    const before = gets;
    const same = await poll();
    expect(gets - before).toBe(FLEET);
    expect(same.version).toBe(first.version);
    expect(same.memo('page', page, size)).toBe(body);
    expect(made).toBe(1);
    expect(store.size.bytes).toBe(held);

    // two more minutes: the windows are stale, each read again is a new one (fetched later)
    t += 120_000;
    const renewed = await poll();
    expect(renewed.version).toBeGreaterThan(first.version);
    expect(renewed.fetchedAt).toBeGreaterThan(first.fetchedAt);
    expect(renewed.memo('page', page, size)).not.toBe(body);
    expect(made).toBe(2);
    // the old answer is gone from the cache: one page held, not two
    expect(store.size.bytes).toBeLessThan(held + 50_000);
    // an answer asked of the old version is made for it alone, never kept
    first.memo('page', page, size);
    expect(made).toBe(3);
    expect(store.size.bytes).toBeLessThan(held + 50_000);
    reader.close();
  });

  it('keeps the union and its sorted results while re-reads find the same tasks, and renews only the answer', async () => {
    let t = Date.now();
    // every re-read refreshes its window (a new entry of the same tasks), and the clock says when one is due
    const windows = createWindowStore({ ttlMs: 1, maxTasks: 10_000 });
    const reader = createFleetReader({
      windows,
      rollingStepMs: 5_000,
      liveMs: 5_000,
      ratePerMinute: 100_000,
      firstWaitMs: 30_000,
      now: () => t,
    });
    const directory = createInstanceDirectory(
      sim.targets.map((x) => ({
        projectId: x.projectId,
        region: x.region,
        client: createDmsClient({
          endpoint: x.url,
          projectId: x.projectId,
          credentials: { ak: sim.ak, sk: sim.sk },
          timeoutMs: 10_000,
          maxAttempts: 1,
        }),
      })),
    );
    const members = (await directory.entries()).entries;
    // a day that ended two days ago: every task in it has finished, so a re-read finds the same
    const to = Math.floor(NOW() / 1000) * 1000 - 2 * 86_400_000;
    const window = { from: new Date(to - 86_400_000).toISOString(), to: new Date(to).toISOString() };
    /** Every instance read, each since `since` (the window store's fetch times are the wall clock's). */
    const settled = async (since: number) => {
      for (;;) {
        const s = await reader.read(members, window);
        if (s.coverage.read === members.length && s.fetchedAt >= since) return s;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const first = await settled(0);
    expect(first.tasks.length).toBeGreaterThan(0);
    let sorts = 0;
    const sorted = () => {
      sorts++;
      return [...first.tasks].sort((a, b) => a.name.localeCompare(b.name));
    };
    const bytes = () => 100;
    const result = first.tasksMemo('by-name', sorted, bytes);
    // ten minutes on: every instance is due again, and each re-read ends in a new window entry
    const mark = Date.now();
    t += 600_000;
    const again = await settled(mark);
    // the answer says when the windows were fetched: a new version
    expect(again.version).toBeGreaterThan(first.version);
    expect(again.tasks).toBe(first.tasks);
    expect(again.tasksMemo('by-name', sorted, bytes)).toBe(result);
    expect(sorts).toBe(1);
    // the answer (it holds the coverage) is made again for the new version
    let answers = 0;
    first.memo('answer', () => answers++, bytes);
    again.memo('answer', () => answers++, bytes);
    expect(answers).toBe(2);
    reader.close();
  });
});
