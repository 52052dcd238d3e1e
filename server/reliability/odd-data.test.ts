import { afterEach, describe, expect, it } from 'vitest';
import type { TaskList } from '../../shared/task.ts';
import { createDmsClient } from '../dms/client.ts';
import { toTask } from '../tasks/normalise.ts';
import { type Harness, json, startHarness } from './harness.ts';

/**
 * Every task field is optional in the SDK models, and statuses beyond the documented six may
 * come (docs/UPSTREAM.md, "Odd data"). Odd tasks are put into the simulator's listing exactly as
 * DMS might send them, and read over HTTP with real signatures: by the client, then through the
 * console's API (live mode).
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;
const hex = (n: number) => n.toString(16).padStart(32, 'a');

/** A window of about 200 tasks, a day ago, with odd tasks at known places in it. */
const withOddTasks = async () => {
  h = await startHarness();
  const instanceId = h.instanceId('prod-orders');
  const now = Date.now();
  const past = h.sim.data.tasks.get(instanceId)!.filter((t) => Date.parse(t.created_at) < now - 25 * HOUR);
  const second = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;
  const fromMs = second(past[200]!.created_at);
  const toMs = second(past[0]!.created_at);
  const at = (share: number) => Math.round(fromMs + share * (toMs - fromMs));
  const inject = (raw: Record<string, unknown>, atMs: number) =>
    h!.sim.data.store.injectRawTask(instanceId, raw, atMs, now);
  const iso = (ms: number) => new Date(ms).toISOString();
  inject({ id: hex(1), status: 'SUCCESS', created_at: iso(at(0.1)) }, at(0.1));
  inject(
    {
      id: hex(2),
      name: 'restartInstance',
      status: 'PAUSED',
      created_at: iso(at(0.11)),
      updated_at: iso(at(0.11) + 60_000),
    },
    at(0.11),
  );
  inject({ id: '..', name: 'odd id', status: 'EXECUTING', created_at: iso(at(0.13)) }, at(0.13));
  inject({ id: 'a/b', name: 'odd id', status: 'SUCCESS', created_at: iso(at(0.14)) }, at(0.14));
  inject({ id: hex(3), name: 'no time', status: 'SUCCESS', created_at: 'yesterday', user_name: 7 }, at(0.15));
  // the same task listed twice, pages apart
  const twice = { id: hex(4), name: 'twice', status: 'SUCCESS', created_at: iso(at(0.05)) };
  inject(twice, at(0.05));
  inject(twice, at(0.95));
  const held = h.sim.data.tasks.get(instanceId)!.filter((t) => {
    const c = Date.parse(t.created_at);
    // (the task whose created_at is no time is listed by where the simulator holds it: inside)
    return Number.isNaN(c) || (c >= fromMs && c <= toMs + 999);
  });
  return { instanceId, fromMs, toMs, held, at };
};

describe('odd tasks at the client', () => {
  it('reads a page with missing fields, an unknown status, odd ids and an unreadable time, refusing none', async () => {
    const { instanceId, at } = await withOddTasks();
    const client = createDmsClient({
      endpoint: h!.sim.url,
      projectId: h!.sim.projectId,
      credentials: { ak: h!.sim.ak, sk: h!.sim.sk },
    });
    const page = await client.listTasks({
      instanceId,
      start: 1,
      limit: 100,
      beginTime: new Date(at(0.09)).toISOString().replace(/[-:T]/g, '').slice(0, 14),
      endTime: new Date(at(0.16)).toISOString().replace(/[-:T]/g, '').slice(0, 14),
    });
    const byId = new Map(page.tasks.map((t) => [t.id, toTask(t)]));
    expect(byId.get(hex(1))).toMatchObject({
      name: '',
      userName: '',
      status: 'SUCCESS',
      missing: ['name', 'userName'],
    });
    expect(byId.get(hex(2))).toMatchObject({ status: 'PAUSED', durationMs: 60_000 });
    expect(byId.get(hex(2))!.missing).toEqual(['userName']);
    expect(byId.get('..')).toMatchObject({ status: 'EXECUTING', name: 'odd id' });
    expect(byId.get('a/b')).toMatchObject({ status: 'SUCCESS' });
    expect(byId.get(hex(3))).toMatchObject({ createdAt: 'yesterday', userName: '7', durationMs: null });
  });
});

describe('odd tasks through the API', () => {
  it('lists every one, counts each once, keeps an unknown status in its own facet, and refreshes without a 500', async () => {
    const { instanceId, fromMs, toMs, held } = await withOddTasks();
    const query = `from=${encodeURIComponent(new Date(fromMs).toISOString())}&to=${encodeURIComponent(new Date(toMs).toISOString())}`;
    const list = async () => {
      const answer = await h!.send(`/api/instances/${instanceId}/tasks?${query}&pageSize=500`);
      expect(answer.status).toBe(200);
      return json<TaskList>(answer);
    };
    const first = await list();
    // the listing holds the repeated task twice (and so does task_count): the window once
    const distinct = new Set(held.map((t) => t.id));
    expect(held.length).toBe(distinct.size + 1);
    expect(held.length).toBeGreaterThan(100);
    expect(first.total).toBe(distinct.size);
    const ids = first.tasks.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...distinct].sort());
    const task = (id: string) => first.tasks.find((t) => t.id === id)!;
    expect(task(hex(1)).missing).toEqual(['name', 'userName']);
    expect(task(hex(2)).status).toBe('PAUSED');
    expect(first.facets.status.PAUSED).toBe(1);
    expect(first.facets.status.CREATED ?? 0).toBe(held.filter((t) => t.status === 'CREATED').length);
    expect(task(hex(3)).createdAt).toBe('yesterday');
    expect(task('..').status).toBe('EXECUTING');

    // the unfinished `..` is re-read by every refresh: by a listing, never by a path it would break
    for (let i = 0; i < 3; i++) expect((await list()).total).toBe(distinct.size);
    const shows = h!.sim.control.requests().filter((r) => r.operation === 'ShowBackgroundTask');
    expect(shows).toEqual([]);

    // the export keeps the unreadable time raw, and the odd ids
    const csv = await h!.send(`/api/instances/${instanceId}/export?format=csv&${query}`);
    expect(csv.status).toBe(200);
    expect(csv.body).toMatch(new RegExp(`^${hex(3)},no time,SUCCESS,7,,yesterday,`, 'm'));
    expect(csv.body).toMatch(/^\.\.,odd id,EXECUTING,/m);
    expect(csv.body).toMatch(/^a\/b,odd id,SUCCESS,/m);
  }, 60_000);
});
