import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rangeToMs } from '../../shared/contract.ts';
import { createDmsClient, type DmsCallInfo, type DmsClientOptions } from '../dms/client.ts';
import { createPagingMemory } from '../dms/paging.ts';
import { DomainError } from '../domain-error.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { createCallBudget } from '../budget.ts';
import { createWindowStore, likelyOffset, type WindowTarget, windowKeyFor } from './window.ts';

const MINUTE = 60_000;
let t = Date.now();
const clock = () => t;
let sim: RunningSimulator;
let calls: DmsCallInfo[] = [];

/** A client of the simulator, its calls counted; a test's own `fetch` can hold or watch them. */
const client = (over: Partial<DmsClientOptions> = {}) =>
  createDmsClient({
    endpoint: sim.url,
    projectId: sim.projectId,
    credentials: { ak: sim.ak, sk: sim.sk },
    maxAttempts: 1,
    // the window's own calls: the one call that learns the paging is counted in paging.test.ts
    paging: createPagingMemory('start'),
    onCall: (info) => calls.push(info),
    ...over,
  });
const store = (over: Partial<Parameters<typeof createWindowStore>[0]> = {}) =>
  createWindowStore({ ttlMs: 5_000, maxTasks: 20_000, now: clock, ...over });
const instanceId = (name: string) => sim.data.instances.find((i) => i.name === name)!.instance_id;
const rolling = (id: string, range: string): WindowTarget => windowKeyFor(id, { range }, t, rangeToMs, 5_000);
/** A client whose requests wait at a gate until the test opens it. */
const gated = () => {
  let open!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const first = new Promise<void>((r) => (arrived = r));
  return {
    open,
    arrived: first,
    client: client({
      fetch: async (input, init) => {
        arrived();
        await gate;
        return fetch(input, init);
      },
    }),
  };
};
/** The end of the last second a window reads now: the one before the current second is the listing's margin. */
const pinned = () => Math.floor(t / 1000) * 1000 - 1_001;
/** What the simulator holds for the window, by its own data. */
const truth = (target: WindowTarget, pinnedEnd: number) =>
  (sim.data.tasks.get(target.instanceId) ?? []).filter((x) => {
    const c = Date.parse(x.created_at);
    return c >= target.from && c <= Math.min(target.to, pinnedEnd);
  });

beforeAll(async () => {
  sim = await startSimulator({ clock });
});
afterAll(() => sim.close());
afterEach(() => {
  calls = [];
  sim.control.reset();
});

describe('window store over the simulator', () => {
  it('fetches a whole window in ceil(total/100) calls, every task once', async () => {
    const windows = store();
    const target = rolling(instanceId('prod-orders'), '30d');
    const entry = await windows.get({ client: client() }, target);
    const expected = truth(target, pinned());
    expect(expected.length).toBeGreaterThan(1_000);
    expect(entry.tasks.map((x) => x.id).sort()).toEqual(expected.map((x) => x.id).sort());
    // the listing may include up to a second more upstream than the exact window keeps
    expect(calls.length).toBeLessThanOrEqual(Math.ceil((expected.length + 5) / 100));
    expect(calls.every((c) => c.operation === 'ListBackgroundTasks')).toBe(true);
    const listed = sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks');
    expect(listed.every((r) => /[?&]end_time=\d{14}/.test(r.path) && /[?&]limit=100/.test(r.path))).toBe(true);
  }, 30_000);

  it('shares one fetch between concurrent requests and serves the cache without calls', async () => {
    const windows = store();
    const target = rolling(instanceId('prod-payments'), '30d');
    const source = { client: client() };
    const entries = await Promise.all(Array.from({ length: 20 }, () => windows.get(source, target)));
    const perWindow = calls.length;
    expect(perWindow).toBe(Math.ceil(entries[0]!.tasks.length / 100) || 1);
    expect(new Set(entries).size).toBe(1);
    t += 3_000;
    await windows.get(source, target);
    expect(calls.length).toBe(perWindow);
    expect(windows.findTask(target.instanceId, entries[0]!.tasks[0]!.id)).toBeDefined();
    t -= 3_000;
  });

  it('answers a fresh window at once, counted as a hit, and leaves a stale or unknown one to get', async () => {
    const lookups: boolean[] = [];
    const windows = store({ onLookup: (hit) => lookups.push(hit) });
    const target = rolling(instanceId('prod-payments'), '30d');
    expect(windows.fresh(target)).toBeUndefined();
    const entry = await windows.get({ client: client() }, target);
    const made = calls.length;
    expect(windows.fresh(target)).toBe(entry);
    t += 5_000; // the TTL has passed: only get may refresh it
    try {
      expect(windows.fresh(target)).toBeUndefined();
    } finally {
      t -= 5_000;
    }
    expect(calls.length).toBe(made);
    expect(lookups).toEqual([false, true]);
  });

  it('serves a range inside a fresh window (a brush, a zoom) from it without a call, and expires with it', async () => {
    const windows = store();
    const id = instanceId('prod-orders');
    const source = { client: client() };
    const week = await windows.get(source, rolling(id, '7d'));
    const made = calls.length;
    expect(made).toBeGreaterThan(5);
    const iso = (ms: number) => new Date(ms).toISOString();
    const part = windowKeyFor(id, { from: iso(t - 3 * 86_400_000), to: iso(t - 86_400_000) }, t, rangeToMs, 5_000);
    const brushed = await windows.get(source, part);
    expect(calls.length).toBe(made);
    const expected = truth(part, pinned());
    expect(expected.length).toBeGreaterThan(100);
    expect(brushed.tasks.map((x) => x.id).sort()).toEqual(expected.map((x) => x.id).sort());
    expect(brushed.fetchedAt).toBe(week.fetchedAt);
    // a range starting before the window is read upstream
    const before = windowKeyFor(id, { from: iso(t - 8 * 86_400_000), to: iso(t - 86_400_000) }, t, rangeToMs, 5_000);
    await windows.get(source, before);
    expect(calls.length).toBeGreaterThan(made);
  });

  it('refreshes a stale window with only the new and the unfinished tasks', async () => {
    const windows = store();
    const id = instanceId('prod-orders');
    const source = { client: client() };
    const first = await windows.get(source, rolling(id, '7d'));
    const unfinished = first.tasks.filter((x) => x.status === 'CREATED' || x.status === 'EXECUTING');
    expect(unfinished.length).toBeGreaterThan(0);
    const full = calls.length;
    expect(full).toBeGreaterThan(5);
    calls = [];

    t += 10 * MINUTE;
    const target = rolling(id, '7d');
    const refreshed = await windows.get(source, target);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(2);
    const expected = truth(target, pinned());
    const byId = new Map(refreshed.tasks.map((x) => [x.id, x.status]));
    expect(refreshed.tasks.length).toBe(expected.length);
    for (const x of expected) expect(byId.get(x.id), x.id).toBe(x.status);
    expect(refreshed.tasks.some((x) => !first.byId.has(x.id))).toBe(true);
  });

  it('re-reads nothing for a closed window with every task finished', async () => {
    const windows = store();
    const id = instanceId('prod-payments');
    const target: WindowTarget = { instanceId: id, from: t - 20 * 86_400_000, to: t - 10 * 86_400_000 };
    const source = { client: client() };
    await windows.get(source, target);
    calls = [];
    t += 6_000;
    await windows.get(source, target);
    expect(calls).toEqual([]);
    t -= 6_000;
  });

  it('refuses a window over the cap after one call, and its retry costs none', async () => {
    const windows = store({ maxTasks: 500 });
    const target = rolling(instanceId('prod-orders'), '30d');
    const source = { client: client() };
    const refusal = await windows.get(source, target).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('WINDOW_TOO_LARGE');
    expect((refusal as DomainError).message).toMatch(/narrow the range/);
    expect(calls).toHaveLength(1);
    await expect(windows.get(source, target)).rejects.toThrow(/narrow the range/);
    expect(calls).toHaveLength(1);
    // after a cache TTL the upstream is asked again: the window may have shrunk meanwhile
    t += 5_001;
    try {
      await expect(windows.get(source, target)).rejects.toThrow(/narrow the range/);
      expect(calls).toHaveLength(2);
    } finally {
      t -= 5_001;
    }
  });

  it('admits a window only when all its calls fit the budget, else refuses it having spent one call', async () => {
    const windows = store();
    const budget = createCallBudget({ ratePerMinute: 100, maxWaitMs: 0 });
    const target = rolling(instanceId('prod-orders'), '7d');
    await store().get({ client: client() }, target);
    const pages = calls.length;
    calls = [];
    expect(pages).toBeGreaterThan(3);
    expect(pages).toBeLessThan(90);
    // Other work holds all but a few calls of this minute's budget.
    const other = await budget.reserve(100 - (pages - 1));
    const refusal = (await windows
      .get({ client: client({ limiter: budget }), budget }, target)
      .catch((e: unknown) => e)) as DomainError;
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal.code).toBe('UPSTREAM_BUDGET');
    expect(refusal.extra.retryAfterSeconds).toBeGreaterThan(0);
    expect(refusal.message).toMatch(/try again in \d+ s/);
    expect(calls).toHaveLength(1);
    // Only the call made is gone from the budget; once the other work gives back, the window fits.
    expect(await budget.available()).toBe(pages - 2);
    other.close();
    calls = [];
    const entry = await windows.get({ client: client({ limiter: budget }), budget }, target);
    expect(calls).toHaveLength(pages);
    expect(entry.tasks.length).toBeGreaterThan(300);
    expect(await budget.available()).toBe(100 - 1 - pages);
  }, 20_000);

  it('knows a refused window by its size and refuses it again without a call', async () => {
    const windows = store();
    const budget = createCallBudget({ ratePerMinute: 100, maxWaitMs: 0 });
    const target = rolling(instanceId('prod-orders'), '30d');
    await budget.reserve(95);
    await expect(windows.get({ client: client(), budget }, target)).rejects.toThrow(/try again/);
    expect(calls).toHaveLength(1);
    await expect(windows.get({ client: client(), budget }, target)).rejects.toThrow(/try again/);
    expect(calls).toHaveLength(1);
  });

  it('never refreshes consecutive keys of one rolling range in parallel: the newer waits and takes the delta', async () => {
    const windows = store();
    const id = instanceId('prod-orders');
    const gate = gated();
    const source = { client: gate.client };
    const olderTarget = rolling(id, '7d');
    const older = windows.get(source, olderTarget);
    await gate.arrived;
    t += 5_000;
    try {
      const newerTarget = rolling(id, '7d');
      expect(newerTarget.to).toBeGreaterThan(olderTarget.to);
      const newer = windows.get(source, newerTarget);
      gate.open();
      const [o, n] = await Promise.all([older, newer]);
      const full = Math.ceil(o.tasks.length / 100);
      // The older window's pages, then at most a narrow re-read and the new second for the newer one.
      expect(calls.length).toBeGreaterThanOrEqual(full);
      expect(calls.length).toBeLessThanOrEqual(full + 2);
      calls = [];
      expect(await windows.get(source, newerTarget)).toBe(n);
      expect(calls).toHaveLength(0);
    } finally {
      t -= 5_000;
    }
  });

  it('never caches a window one of whose pages failed, and spends no retry on it', async () => {
    const windows = store();
    const target = rolling(instanceId('prod-orders'), '30d');
    const budget = createCallBudget({ ratePerMinute: 10_000, maxWaitMs: 0 });
    // The first page passes; the next eight (all in flight) wait here until the test answers them.
    const held: ((answer: Response) => void)[] = [];
    let seen = 0;
    const failing = client({
      maxAttempts: 4,
      baseDelayMs: 1,
      maxDelayMs: 1,
      limiter: budget,
      fetch: async (input, init) => {
        if (seen++ === 0 || held.length >= 8) return fetch(input, init);
        return new Promise<Response>((resolve) => held.push(resolve));
      },
    });
    const answer = (status: number) =>
      new Response(JSON.stringify({ error_code: 'DMS.00400000', error_msg: 'refused' }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    const result = windows.get({ client: failing, budget }, target).catch((e: unknown) => e);
    await vi.waitFor(() => expect(held).toHaveLength(8));
    const reserved = await budget.available();
    // One page fails for good (a 400 is not retried): the window is lost, its reservation given back.
    held[0]!(answer(400));
    await vi.waitFor(async () => expect(await budget.available()).toBeGreaterThan(reserved));
    // The seven still in flight fail in a way that would be retried: no retry is sent.
    for (const release of held.slice(1)) release(answer(503));
    expect(await result).toMatchObject({ name: 'UpstreamError' });
    expect(calls).toHaveLength(1 + 8);
    calls = [];
    const entry = await windows.get({ client: client() }, target);
    expect(calls.length).toBe(Math.ceil(entry.tasks.length / 100));
  });

  it('answers WINDOW_CHANGED when a task is deleted while a refresh reads, and keeps the last good window', async () => {
    const windows = store();
    const id = instanceId('prod-orders');
    let deleted: string | undefined;
    let armed = false;
    const source = {
      client: client({
        // After the refresh's first page is answered, a finished task on it is deleted upstream.
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (armed && String(input).includes('/tasks?')) {
            armed = false;
            const body = (await res.clone().json()) as { tasks: { id: string; status: string }[] };
            deleted = body.tasks.find((x) => x.status === 'SUCCESS' || x.status === 'FAILED')!.id;
            expect(sim.data.store.deleteTask(id, deleted, clock())).toBe('deleted');
          }
          return res;
        },
      }),
    };
    const first = await windows.get(source, rolling(id, '7d'));
    t += 2 * 60 * MINUTE;
    armed = true;
    const target = rolling(id, '7d');
    const failure = (await windows.get(source, target).catch((e: unknown) => e)) as DomainError;
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure.code).toBe('WINDOW_CHANGED');
    expect(deleted).toBeDefined();
    // The refresh read more than one page, so the deletion fell between its pages.
    expect(calls.filter((c) => c.operation === 'ListBackgroundTasks').length).toBeGreaterThan(
      Math.ceil(first.tasks.length / 100) + 1,
    );
    const again = await windows.get(source, target);
    expect(again.byId.has(deleted!)).toBe(false);
    const fresh = await store().get({ client: client() }, target);
    expect(again.tasks.map((x) => x.id).sort()).toEqual(fresh.tasks.map((x) => x.id).sort());
  });
});

describe('tasks deleted upstream', () => {
  const day = 86_400_000;
  /** The simulator's count calls: ListBackgroundTasks of one task. */
  const counts = () =>
    sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks' && /[?&]limit=1(&|$)/.test(r.path));

  it('leave a watched window within the reconcile period, for one limit=1 call a period', async () => {
    const windows = store({ reconcileMs: 120_000, ttlMs: 5_000 });
    const id = instanceId('prod-orders');
    // a closed day of finished tasks: nothing but reconciling makes a call for it
    const to = Math.floor(t / 1000) * 1000 - 5 * day;
    const target: WindowTarget = { instanceId: id, from: to - day, to };
    const source = { client: client() };
    const first = await windows.get(source, target);
    const gone = first.tasks.find((x) => x.status === 'SUCCESS' || x.status === 'FAILED')!;
    expect(first.tasks.length).toBeGreaterThan(10);
    expect(sim.data.store.deleteTask(id, gone.id, clock())).toBe('deleted');
    sim.control.clearRequests();
    calls = [];
    const start = t;
    try {
      const seen: { at: number; has: boolean; calls: number; counts: number }[] = [];
      // watched: asked every 10 s, as the SPA polls, over two periods and more
      while (t - start < 250_000) {
        t += 10_000;
        const entry = await windows.get(source, target);
        seen.push({ at: t - start, has: entry.byId.has(gone.id), calls: calls.length, counts: counts().length });
      }
      const before = seen.filter((s) => s.at < 120_000);
      // until the period ends the window shows it, and costs nothing
      expect(before.every((s) => s.has && s.calls === 0)).toBe(true);
      // then it is gone, for one count and one re-read of the window's single page
      expect(seen.find((s) => s.at === 120_000)).toMatchObject({ has: false, calls: 2, counts: 1 });
      expect(seen.filter((s) => s.at > 120_000).every((s) => !s.has)).toBe(true);
      // the next period finds the counts agree: one call, no re-read
      expect(seen.find((s) => s.at === 240_000)).toMatchObject({ calls: 3, counts: 2 });
      expect(seen.at(-1)).toMatchObject({ calls: 3, counts: 2 });
      const fresh = await store().get({ client: client() }, target);
      expect((await windows.get(source, target)).tasks.map((x) => x.id).sort()).toEqual(
        fresh.tasks.map((x) => x.id).sort(),
      );
    } finally {
      t = start;
    }
  });
});

describe('the zone offset a shifted listing fits', () => {
  it('is the one whole hour within bounds narrower than an hour that hold it (property)', () => {
    const HOUR = 3_600_000;
    fc.assert(
      fc.property(fc.integer({ min: -12, max: 14 }), fc.nat(HOUR - 1), fc.nat(HOUR - 1), (hours, below, width) => {
        const z = hours * HOUR;
        const low = z - Math.min(below, width);
        expect(likelyOffset(low, low + width)).toBe(z);
      }),
    );
  });

  it('falls back to half and quarter hours, and to nothing when the bounds cross', () => {
    const MIN = 60_000;
    expect(likelyOffset(320 * MIN, 340 * MIN)).toBe(330 * MIN);
    expect(likelyOffset(340 * MIN, 350 * MIN)).toBe(345 * MIN);
    expect(likelyOffset(5 * MIN, -5 * MIN)).toBeUndefined();
  });
});

describe('window keys', () => {
  it('gives back expired windows while idle, with no request to trigger it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const windows = store({ retainMs: 60_000 });
      const entry = await windows.get({ client: client() }, rolling(instanceId('staging-events'), '7d'));
      const finished = entry.tasks.find((x) => x.status === 'SUCCESS')!;
      expect(windows.findTask(entry.instanceId, finished.id)).toBeDefined();
      t += 61_000;
      vi.advanceTimersByTime(60_000);
      expect(windows.findTask(entry.instanceId, finished.id)).toBeUndefined();
      windows.close();
    } finally {
      t -= 61_000;
      vi.useRealTimers();
    }
  });

  it('maps rolling requests within one step to one window, and keeps explicit bounds exact', () => {
    const step = 5_000;
    const base = Date.parse('2024-05-01T12:00:00.000Z');
    const a = windowKeyFor('i', { range: '24h' }, base + 1, rangeToMs, step);
    const b = windowKeyFor('i', { range: '24h' }, base + 4_999, rangeToMs, step);
    const c = windowKeyFor('i', { range: '24h' }, base + 5_001, rangeToMs, step);
    expect(a).toEqual(b);
    expect(a.to).toBe(base + 5_000);
    expect(a.to - a.from).toBe(86_400_000);
    expect(c.to).toBe(base + 10_000);
    const exact = windowKeyFor(
      'i',
      { from: '2024-05-01T00:00:00.123Z', to: '2024-05-01T01:00:00.456Z' },
      base,
      rangeToMs,
      step,
    );
    expect(exact).toEqual({
      instanceId: 'i',
      from: Date.parse('2024-05-01T00:00:00.000Z'),
      to: Date.parse('2024-05-01T01:00:00.999Z'),
    });
  });

  it('hands a query object its last target again only while that target is still the one to read (property)', () => {
    // validated queries are shared objects: the memo must give what a fresh object would
    const queries = [
      { range: '1h' },
      { range: '24h' },
      {},
      { from: '2024-05-01T00:00:00.123Z', to: '2024-05-01T01:00:00.456Z' },
      { from: '2024-05-02T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z' },
    ];
    const call = fc.record({
      q: fc.constantFrom(...queries),
      id: fc.constantFrom('i', 'j'),
      now: fc.integer({ min: Date.parse('2024-05-01T12:00:00Z'), max: Date.parse('2024-05-01T12:01:00Z') }),
      step: fc.constantFrom(1_000, 5_000),
    });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 30 }), (calls) => {
        for (const { q, id, now, step } of calls) {
          const target = windowKeyFor(id, q, now, rangeToMs, step);
          expect(target).toEqual(windowKeyFor(id, { ...q }, now, rangeToMs, step));
          expect(windowKeyFor(id, q, now, rangeToMs, step)).toBe(target);
          expect(Object.isFrozen(target)).toBe(true);
        }
      }),
    );
  });

  it('keys explicit windows at whole seconds: bounds within the same seconds are one window (property)', () => {
    const second = fc
      .integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') })
      .map((ms) => ms - (ms % 1000));
    fc.assert(
      fc.property(
        second,
        second,
        fc.array(fc.tuple(fc.nat(999), fc.nat(999)), { minLength: 1, maxLength: 64 }),
        (from, to, offsets) => {
          const keys = offsets.map(([a, b]) =>
            JSON.stringify(
              windowKeyFor(
                'i',
                { from: new Date(from + a).toISOString(), to: new Date(to + b).toISOString() },
                0,
                rangeToMs,
                5_000,
              ),
            ),
          );
          expect(new Set(keys)).toEqual(new Set([JSON.stringify({ instanceId: 'i', from, to: to + 999 })]));
        },
      ),
    );
  });
});

describe('the one window cache', () => {
  const day = 86_400_000;
  /** Closed windows of finished tasks, a day each, so nothing but the cache decides what is read. */
  const closed = (name: string, daysAgo: number): WindowTarget => {
    const to = Math.floor(t / 1000) * 1000 - daysAgo * day;
    return { instanceId: instanceId(name), from: to - day, to };
  };

  it('holds windows within its byte bound, the least recently used going first', async () => {
    const source = { client: client() };
    const [a, b, c] = [closed('prod-orders', 2), closed('prod-orders', 3), closed('prod-orders', 4)];
    const measure = store();
    const sizes: number[] = [];
    for (const target of [a, b, c]) {
      const before = measure.size.bytes;
      await measure.get(source, target);
      sizes.push(measure.size.bytes - before);
    }
    const [sa, sb, sc] = sizes as [number, number, number];
    expect(Math.min(sa, sb, sc)).toBeGreaterThan(10_000);
    const maxBytes = sa + sc + Math.floor(sb / 2);
    const windows = store({ maxBytes });
    await windows.get(source, a);
    await windows.get(source, b);
    await windows.get(source, a);
    await windows.get(source, c);
    expect(windows.size.bytes).toBeLessThanOrEqual(maxBytes);
    calls = [];
    await windows.get(source, a);
    await windows.get(source, c);
    expect(calls).toHaveLength(0);
    await windows.get(source, b);
    expect(calls.length).toBeGreaterThan(0);
    expect(windows.size.bytes).toBeLessThanOrEqual(maxBytes);
  });

  it('counts what is derived from a window in the same bound, and drops it with its window', async () => {
    const source = { client: client() };
    const a = closed('prod-payments', 2);
    const measure = store();
    await measure.get(source, a);
    const windowSize = measure.size.bytes;
    const maxBytes = windowSize * 2;
    const windows = store({ maxBytes });
    const entry = await windows.get(source, a);
    const piece = Math.ceil(windowSize / 10);
    // Thirty pieces, each a tenth of the window: far more than the bound holds.
    for (let i = 0; i < 30; i++)
      windows.derive(
        entry,
        `piece ${i}`,
        () => i,
        () => piece,
      );
    expect(windows.size.bytes).toBeLessThanOrEqual(maxBytes);
    // The window stayed (it is in use); the oldest pieces went, the newest are kept.
    calls = [];
    expect(await windows.get(source, a)).toBe(entry);
    expect(calls).toHaveLength(0);
    let made = 0;
    expect(
      windows.derive(
        entry,
        'piece 29',
        () => ++made,
        () => piece,
      ),
    ).toBe(29);
    expect(
      windows.derive(
        entry,
        'piece 0',
        () => ++made,
        () => piece,
      ),
    ).toBe(1);
    // A window's values go with it.
    windows.clear();
    expect(windows.size).toEqual({ bytes: 0, entries: 0 });
    const again = await windows.get(source, a);
    expect(
      windows.derive(
        again,
        'piece 29',
        () => 'new',
        () => piece,
      ),
    ).toBe('new');
  });

  it('counts values held for several windows in the same bound, and forgets a group at once', async () => {
    const windows = store({ maxBytes: 10_000 });
    const made: string[] = [];
    const hold = (group: string, key: string, bytes = 1_000) =>
      windows.hold(
        group,
        key,
        () => (made.push(`${group}/${key}`), `${group}/${key}`),
        () => bytes,
      );
    expect(hold('fleet|0|v1', 'a')).toBe('fleet|0|v1/a');
    expect(hold('fleet|0|v1', 'a')).toBe('fleet|0|v1/a');
    hold('fleet|0|v1', 'b');
    hold('fleet|0|t1', 'union');
    expect(made).toHaveLength(3);
    expect(windows.size).toEqual({ bytes: 3_000, entries: 3 });
    // the version moved on: its answers go, the union stays
    windows.dropGroup('fleet|0|v1');
    expect(windows.size).toEqual({ bytes: 1_000, entries: 1 });
    hold('fleet|0|t1', 'union');
    hold('fleet|0|v1', 'a');
    expect(made).toEqual(['fleet|0|v1/a', 'fleet|0|v1/b', 'fleet|0|t1/union', 'fleet|0|v1/a']);
    // within the bound, the least recently used going first; a dropped group forgets what was evicted too
    for (let i = 0; i < 20; i++) hold('fleet|1|v1', `page ${i}`);
    expect(windows.size.bytes).toBeLessThanOrEqual(10_000);
    windows.dropGroup('fleet|1|v1');
    windows.dropGroup('fleet|0|v1');
    windows.dropGroup('fleet|0|t1');
    expect(windows.size).toEqual({ bytes: 0, entries: 0 });
  });

  it('keeps no value derived from a window that is no longer cached', async () => {
    const source = { client: client() };
    const windows = store();
    const a = closed('staging-events', 2);
    const entry = await windows.get(source, a);
    windows.clear();
    windows.derive(
      entry,
      'orphan',
      () => 1,
      () => 10,
    );
    expect(windows.size).toEqual({ bytes: 0, entries: 0 });
  });
});

describe('a window fetch under way', () => {
  /** A client whose first call passes and whose later ones wait until `release` (each call's signal kept). */
  const holding = () => {
    const held: { signal: AbortSignal | null | undefined; go: () => void }[] = [];
    let seen = 0;
    let open = false;
    const c = client({
      fetch: (input, init) => {
        if (seen++ === 0 || open) return fetch(input, init);
        return new Promise<Response>((resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error), { once: true });
          held.push({ signal: init?.signal, go: () => void fetch(input, init).then(resolve, reject) });
        });
      },
    });
    return {
      client: c,
      held,
      seen: () => seen,
      release: () => {
        open = true;
        for (const h of held) h.go();
      },
    };
  };

  it('tells its progress: pages read of the total, and the answer it waits for', async () => {
    const windows = store();
    const target = rolling(instanceId('prod-orders'), '30d');
    const upstream = holding();
    expect(windows.progress(target)).toBeNull();
    const result = windows.get({ client: upstream.client }, target);
    await vi.waitFor(() => expect(upstream.held).toHaveLength(8));
    const pages = Math.ceil(truth(target, pinned()).length / 100);
    expect(pages).toBeGreaterThan(9);
    expect(windows.progress(target)).toMatchObject({
      pagesRead: 1,
      pages,
      waiting: { for: 'answer', operation: 'ListBackgroundTasks', attempt: 1 },
    });
    // a request a step later names the next key of the rolling range: it finds the same fetch
    const later = windowKeyFor(target.instanceId, { range: '30d' }, t + 5_000, rangeToMs, 5_000);
    expect(later.to).toBeGreaterThan(target.to);
    expect(windows.progress(later)?.pages).toBe(pages);
    upstream.release();
    expect((await result).tasks).toHaveLength(truth(target, pinned()).length);
    expect(windows.progress(target)).toBeNull();
  });

  it('stops when the last request waiting for it leaves: calls in flight aborted, no further call', async () => {
    const windows = store();
    const target = rolling(instanceId('prod-orders'), '30d');
    const upstream = holding();
    const [a, b] = [new AbortController(), new AbortController()];
    const first = windows.get({ client: upstream.client }, target, a.signal).catch((e: unknown) => e);
    const second = windows.get({ client: upstream.client }, target, b.signal).catch((e: unknown) => e);
    await vi.waitFor(() => expect(upstream.held).toHaveLength(8));
    a.abort(new Error('first left'));
    expect(await first).toMatchObject({ message: 'first left' });
    // the other request still waits: the fetch goes on
    expect(upstream.held.some((h) => h.signal?.aborted)).toBe(false);
    expect(windows.progress(target)).not.toBeNull();
    b.abort(new Error('second left'));
    expect(await second).toMatchObject({ message: 'second left' });
    await vi.waitFor(() => expect(upstream.held.every((h) => h.signal?.aborted)).toBe(true));
    await vi.waitFor(() => expect(windows.progress(target)).toBeNull());
    expect(upstream.seen()).toBe(1 + 8);
    // the next request starts afresh, not on the abandoned fetch
    upstream.release();
    const entry = await windows.get({ client: upstream.client }, target);
    expect(entry.tasks).toHaveLength(truth(target, pinned()).length);
  });
});
