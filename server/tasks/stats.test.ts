import { TZDate } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import { flaggedTasks, histogram, insightsOf, percentile, planBuckets, windowStats } from './stats.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-20T00:00:00Z');

let seq = 0;
const task = (over: Partial<Task> & { at?: number; ms?: number | null }): Task => {
  const created = over.at ?? T0;
  const ms = over.ms === undefined ? 60_000 : over.ms;
  const id = (seq++).toString(16).padStart(32, '0');
  return {
    id,
    name: 'restartInstance',
    status: ms === null ? 'EXECUTING' : 'SUCCESS',
    userName: 'ops',
    userId: 'u',
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(created + (ms ?? 0)).toISOString(),
    durationMs: ms,
    params: '{}',
    ...over,
  };
};

describe('percentile', () => {
  it('is one of the values, and ordered: median ≤ p95 ≤ max', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const [m, p] = [percentile(sorted, 0.5), percentile(sorted, 0.95)];
        expect(xs).toContain(m);
        expect(m).toBeLessThanOrEqual(p);
        expect(p).toBeLessThanOrEqual(sorted.at(-1)!);
        // nearest rank: at least half the values are ≤ the median
        expect(sorted.filter((x) => x <= m).length * 2).toBeGreaterThanOrEqual(sorted.length);
      }),
    );
  });
});

describe('outliers and stuck tasks', () => {
  const runs = [60, 62, 58, 61, 59].map((s, i) => task({ at: T0 + i * HOUR, ms: s * 1000 }));

  it('flags a finished run over 3× its median, with ratio, once the name has 5 runs', () => {
    const slow = task({ at: T0 + 6 * HOUR, ms: 204_000 }); // nearest-rank median of the six is 60 s: 3.4×
    const tasks = [...runs, slow];
    const stats = windowStats(tasks, T0 + DAY);
    expect([...stats.outliers.keys()]).toEqual([slow.id]);
    expect(stats.outliers.get(slow.id)).toBeCloseTo(3.4, 9);
    // four runs and the slow one: not judged
    expect(windowStats([...runs.slice(0, 3), slow], T0 + DAY).outliers.size).toBe(0);
    // just under 3×: not an outlier
    const edge = task({ at: T0 + 7 * HOUR, ms: 3 * 61_000 });
    expect(windowStats([...runs, task({ at: T0, ms: 61_000 }), edge], T0 + DAY).outliers.size).toBe(0);
  });

  it('flags an EXECUTING task running longer than its name p95, as of the given instant', () => {
    const running = task({ at: T0 + 10 * HOUR, ms: null });
    const tasks = [...runs, running];
    expect(windowStats(tasks, T0 + 10 * HOUR + 61_000).stuck.size).toBe(0);
    expect(windowStats(tasks, T0 + 10 * HOUR + 63_000).stuck.get(running.id)).toBe(63_000);
    expect(flaggedTasks(tasks, T0 + 10 * HOUR + 63_000, 'stuck')).toEqual([running]);
    const queued = task({ at: T0 + 10 * HOUR, ms: null, status: 'CREATED' });
    expect(windowStats([...runs, queued], T0 + 11 * HOUR).stuck.size).toBe(0);
  });

  it('gives per-name count, median, p95 and max of finished runs, most runs first', () => {
    const other = [1, 2].map((s) => task({ name: 'bind', ms: s * 1000 }));
    const { durations } = insightsOf([...runs, ...other, task({ ms: null })], [], T0 + DAY);
    expect(durations).toEqual([
      { name: 'restartInstance', count: 5, medianMs: 60_000, p95Ms: 62_000, maxMs: 62_000 },
      { name: 'bind', count: 2, medianMs: 1_000, p95Ms: 2_000, maxMs: 2_000 },
    ]);
  });
});

describe('histogram buckets', () => {
  const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe'];

  it('cover the window with 1 to 121 contiguous buckets, and count every task once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2001-01-01'), max: Date.parse('2098-01-01') }),
        fc.integer({ min: 60_000, max: 400 * DAY }),
        fc.constantFrom(...zones),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...TASK_STATUSES)), {
          maxLength: 50,
        }),
        (from, span, tz, points) => {
          const to = from + span;
          const { edges } = planBuckets(from, to, tz);
          expect(edges[0]).toBeLessThanOrEqual(from);
          expect(edges.at(-1)).toBeGreaterThan(to);
          expect(edges.length - 1).toBeLessThanOrEqual(121);
          for (let i = 1; i < edges.length; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1]!);
          const tasks = points.map(([f, status]) => task({ at: Math.round(from + f * span), status }));
          const h = histogram(tasks, from, to, tz);
          const total = h.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0);
          expect(total).toBe(tasks.length);
          for (const t of tasks) {
            const b = h.buckets.find((x) => x.start <= t.createdAt && t.createdAt < x.end)!;
            expect(b.counts[t.status]).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);

  it('adapts the step: minutes for 1 h, 15 min for 24 h, 2 h for 7 d, days for 90 d', () => {
    const steps = [HOUR, DAY, 7 * DAY, 90 * DAY].map((span) => planBuckets(T0, T0 + span, 'UTC'));
    expect(steps.map((s) => s.step)).toEqual(['1 min', '15 min', '2 h', '1 d']);
    for (const s of steps) expect(s.edges.length - 1).toBeGreaterThanOrEqual(40);
  });

  it('makes a day bucket a local day, 23 h long across the spring DST change', () => {
    // Berlin went to summer time on 2026-03-29
    const from = Date.parse('2026-01-10T15:00:00Z');
    const { edges } = planBuckets(from, from + 90 * DAY, 'Europe/Berlin');
    for (const e of edges) expect(new TZDate(e, 'Europe/Berlin').getHours()).toBe(0);
    const lengths = new Set(edges.slice(1).map((e, i) => (e - edges[i]!) / HOUR));
    expect([...lengths].sort()).toEqual([23, 24]);
  });

  // The SPA sends the zone its clock runs in; under the suite's zone projects (vite.config.ts)
  // that is this process's own, so the buckets must start on the hours `Date` calls local.
  it("aligns buckets to this process's own zone, 25 h days included, as the SPA asks", () => {
    const tz = process.env.TZ ?? 'UTC';
    const firstEdge: Record<string, string> = {
      UTC: '2026-10-20T12:00:00.000Z',
      'America/New_York': '2026-10-20T10:00:00.000Z',
      'Asia/Kolkata': '2026-10-20T12:30:00.000Z',
    };
    const from = Date.parse('2026-10-20T13:00:00Z');
    const { edges, step } = planBuckets(from, from + 21 * DAY, tz);
    expect(step).toBe('6 h');
    expect(new Date(edges[0]!).toISOString()).toBe(firstEdge[tz]);
    for (const e of edges) expect([new Date(e).getMinutes(), new Date(e).getHours() % 6]).toEqual([0, 0]);
    const days = planBuckets(from, from + 90 * DAY, tz).edges;
    for (const e of days) expect(new Date(e).getHours()).toBe(0);
    // New York leaves summer time on 1 November: that local day lasts 25 h
    const lengths = new Set(days.slice(1).map((e, i) => (e - days[i]!) / HOUR));
    expect([...lengths].sort()).toEqual(tz === 'America/New_York' ? [24, 25] : [24]);
  });

  it('starts hour buckets on local hours in a half-hour zone, across a DST change', () => {
    const from = Date.parse('2026-03-25T10:10:00Z');
    for (const tz of ['Asia/Kolkata', 'Europe/Berlin']) {
      const { edges, step } = planBuckets(from, from + 7 * DAY, tz);
      expect(step).toBe('2 h');
      for (const e of edges) {
        const d = new TZDate(e, tz);
        expect([d.getMinutes(), d.getHours() % 2]).toEqual([0, 0]);
      }
    }
  });
});
