import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SORT_KEYS, TASK_STATUSES } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import type { TaskQuery } from '../../shared/task-query.ts';
import { queryWindow } from './query.ts';

const taskArb: fc.Arbitrary<Task> = fc.record({
  id: fc.stringMatching(/^[0-9a-f]{32}$/),
  name: fc.constantFrom('restartInstance', 'resizeInstance', 'bindInstancePublicIp'),
  status: fc.constantFrom(...TASK_STATUSES),
  userName: fc.constantFrom('ops-admin', 'Zhang.Wei', '王芳', 'müller.jörg'),
  userId: fc.constant('0'.repeat(32)),
  createdAt: fc
    .date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  updatedAt: fc.constant('2026-12-31T00:00:00.000Z'),
  durationMs: fc.option(fc.nat({ max: 1e6 }), { nil: null }),
  params: fc.constantFrom('{"force":true}', '{"plugins":["rabbitmq_shovel"]}', 'not json'),
});
const tasksArb = fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 60 });

const queryArb: fc.Arbitrary<TaskQuery> = fc.record({
  status: fc.option(fc.subarray([...TASK_STATUSES], { minLength: 1 }), { nil: undefined }),
  name: fc.option(fc.subarray(['restartInstance', 'resizeInstance'], { minLength: 1 }), { nil: undefined }),
  user: fc.option(fc.constantFrom('zhang', 'ZHANG', '王', 'x'), { nil: undefined }),
  q: fc.option(fc.constantFrom('shovel', 'FORCE', 'resize', 'a'), { nil: undefined }),
  sort: fc.constantFrom(...SORT_KEYS),
  order: fc.constantFrom('asc', 'desc'),
  page: fc.integer({ min: 1, max: 4 }),
  pageSize: fc.integer({ min: 10, max: 20 }),
});

/** The obvious, slow reading of the API's contract, to hold the fast one to. */
const reference = (tasks: readonly Task[], q: TaskQuery) => {
  const match = (t: Task, except?: string) =>
    (except === 'status' || !q.status || (q.status as readonly string[]).includes(t.status)) &&
    (except === 'name' || !q.name || q.name.includes(t.name)) &&
    (except === 'user' || !q.user || t.userName.toLowerCase().includes(q.user.toLowerCase())) &&
    (!q.q || [t.id, t.name, t.userName, t.params].some((f) => f.toLowerCase().includes(q.q!.toLowerCase())));
  const count = (key: 'status' | 'name' | 'userName', facet: string) => {
    const m = new Map<string, number>();
    for (const t of tasks.filter((x) => match(x, facet))) m.set(t[key], (m.get(t[key]) ?? 0) + 1);
    return Object.fromEntries(m);
  };
  const matching = tasks.filter((t) => match(t));
  return {
    total: matching.length,
    facets: { status: count('status', 'status'), name: count('name', 'name'), user: count('userName', 'user') },
  };
};

describe('queryWindow', () => {
  it('filters and counts facets as the contract says, however queries on one window interleave', () => {
    fc.assert(
      fc.property(tasksArb, fc.array(queryArb, { minLength: 1, maxLength: 6 }), (tasks, queries) => {
        for (const q of [...queries, ...queries]) {
          const got = queryWindow(tasks, q);
          const want = reference(tasks, q);
          expect(got.matching.length).toBe(want.total);
          expect(got.facets).toEqual(want.facets);
          expect(got.page).toEqual(got.matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sorts by the key, then newest first, so pages never overlap or skip', () => {
    fc.assert(
      fc.property(tasksArb, queryArb, (tasks, q) => {
        const { matching } = queryWindow(tasks, {
          ...q,
          status: undefined,
          name: undefined,
          user: undefined,
          q: undefined,
        });
        expect(new Set(matching.map((t) => t.id)).size).toBe(tasks.length);
        for (let i = 1; i < matching.length; i++) {
          const [a, b] = [matching[i - 1]![q.sort], matching[i]![q.sort]];
          if (a === null || b === null) {
            expect(a !== null || b === null).toBe(true); // nulls last, in either order
            continue;
          }
          if (a !== b) expect(q.order === 'asc' ? a < b : a > b).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts any name right, those of Object.prototype included, and serialises them as they are', () => {
    const hostile = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf'];
    const nameArb = fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 12 }));
    const arb = fc.uniqueArray(
      fc.record({ id: fc.stringMatching(/^[0-9a-f]{32}$/), userName: nameArb, name: nameArb }),
      { selector: (t) => t.id, maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const tasks: Task[] = rows.map((r) => ({
          ...r,
          status: 'SUCCESS',
          userId: '',
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
          durationMs: 0,
          params: '{}',
        }));
        const { facets } = queryWindow(tasks, { sort: 'createdAt', order: 'desc', page: 1, pageSize: 10 });
        for (const key of ['userName', 'name'] as const) {
          const want = new Map<string, number>();
          for (const t of tasks) want.set(t[key], (want.get(t[key]) ?? 0) + 1);
          const facet = key === 'userName' ? facets.user : facets.name;
          // what the SPA gets: JSON.parse makes own properties, whatever the key
          const parsed = JSON.parse(JSON.stringify(facet)) as Record<string, number>;
          expect(new Map(Object.entries(parsed))).toEqual(want);
          for (const name of hostile) expect(Object.hasOwn(parsed, name) ? parsed[name] : 0).toBe(want.get(name) ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a facet counts with the other filters applied, so clicking it never leads to an empty page', () => {
    const t = (id: string, status: Task['status'], name: string): Task => ({
      id: id.padStart(32, '0'),
      name,
      status,
      userName: 'u',
      userId: '',
      createdAt: `2026-01-0${id}T00:00:00.000Z`,
      updatedAt: `2026-01-0${id}T00:00:00.000Z`,
      durationMs: 0,
      params: '{}',
    });
    const tasks = [t('1', 'FAILED', 'a'), t('2', 'SUCCESS', 'a'), t('3', 'FAILED', 'b')];
    const r = queryWindow(tasks, {
      status: ['FAILED'],
      name: ['a'],
      sort: 'createdAt',
      order: 'desc',
      page: 1,
      pageSize: 10,
    });
    expect(r.page.map((x) => x.id.at(-1))).toEqual(['1']);
    expect(r.facets.status).toEqual({ FAILED: 1, SUCCESS: 1 });
    expect(r.facets.name).toEqual({ a: 1, b: 1 });
  });
});
