import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../shared/api-error.ts';
import { insightsSchema, timelineSchema } from '../../shared/insights.ts';
import { taskListSchema } from '../../shared/task.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { createWindowStore } from '../tasks/window.ts';
import { simulatorApp, simulatorClient } from '../test-app.ts';

let sim: RunningSimulator;
let app: ReturnType<typeof simulatorApp>;
let windows: ReturnType<typeof createWindowStore>;
let calls = 0;

beforeAll(async () => {
  sim = await startSimulator();
  app = simulatorApp(sim, simulatorClient(sim, { onCall: () => void calls++ }), {
    windows: (windows = createWindowStore({ ttlMs: 60_000, maxTasks: 10_000 })),
  });
});
afterAll(() => sim.close());

const orders = () => sim.data.instances.find((i) => i.name === 'prod-orders')!.instance_id;
// an explicit window, so the list and the insights cannot straddle the rolling key's step
const to = new Date().toISOString();
const from = new Date(Date.now() - 86_400_000).toISOString();
const insights = async (query: string) => {
  const res = await app.request(`/api/instances/${orders()}/insights?from=${from}&to=${to}&${query}`);
  expect(res.status).toBe(200);
  return insightsSchema.parse(await res.json());
};
const list = async (query: string) =>
  taskListSchema.parse(
    await (await app.request(`/api/instances/${orders()}/tasks?from=${from}&to=${to}&${query}`)).json(),
  );

describe('GET /api/instances/{id}/insights', () => {
  it('finds the seeded outliers and the stuck resize, and the list filters to exactly them', async () => {
    const a = await insights('tz=UTC');
    const resize = a.durations.find((d) => d.name === 'resizeInstance')!;
    expect(resize.count).toBeGreaterThanOrEqual(5);
    const slowResize = a.outliers.find((o) => o.name === 'resizeInstance')!;
    expect(slowResize.durationMs).toBe(62 * 60_000);
    expect(slowResize.ratio).toBeCloseTo(slowResize.durationMs / resize.medianMs, 9);
    expect(a.outliers.map((o) => o.name)).toContain('restartInstance');
    expect(a.outliers.every((o) => o.ratio > 3)).toBe(true);
    expect(a.stuck).toHaveLength(1);
    expect(a.stuck[0]).toMatchObject({ name: 'resizeInstance', p95Ms: resize.p95Ms });
    expect(a.stuck[0]!.runningMs).toBeGreaterThan(2 * 3_600_000 - 60_000);

    const onlyOutliers = await list('flag=outlier&pageSize=500');
    expect(onlyOutliers.tasks.map((t) => t.id).sort()).toEqual(a.outliers.map((o) => o.id).sort());
    const onlyStuck = await list('flag=stuck&pageSize=500');
    expect(onlyStuck.tasks.map((t) => t.id)).toEqual([a.stuck[0]!.id]);
    expect(onlyStuck.tasks[0]!.status).toBe('EXECUTING');
  });

  it('counts the table filters (not its page) into a histogram covering the window', async () => {
    calls = 0;
    const all = await insights('tz=Europe/Berlin');
    const failed = await insights('tz=Europe/Berlin&status=FAILED&name=restartInstance');
    const failedList = await list('status=FAILED&name=restartInstance&page=1&pageSize=10');
    expect(calls).toBe(0); // the window the list read, no upstream call
    const sum = (h: typeof all.histogram, status?: string) =>
      h.buckets.reduce(
        (n, b) => n + Object.entries(b.counts).reduce((m, [s, c]) => m + (!status || s === status ? c : 0), 0),
        0,
      );
    expect(sum(failed.histogram)).toBe(failedList.total);
    expect(sum(failed.histogram, 'FAILED')).toBe(failedList.total);
    expect(sum(all.histogram)).toBe(Object.values((await list('')).facets.status).reduce((a, b) => a + b, 0));
    expect(all.histogram.step).toBe('15 min');
    expect(all.histogram.buckets.length).toBeGreaterThanOrEqual(96);
    expect(Date.parse(all.histogram.buckets[0]!.start)).toBeLessThanOrEqual(Date.parse(from));
    expect(Date.parse(all.histogram.buckets.at(-1)!.end)).toBeGreaterThan(Date.parse(to));
    // the outliers follow the filters: a name filter leaves only that name's
    expect(failed.outliers.every((o) => o.name === 'restartInstance')).toBe(true);
  });

  it('gives the timeline every matching task, oldest first, running ones without an end', async () => {
    const res = await app.request(`/api/instances/${orders()}/timeline?from=${from}&to=${to}&name=resizeInstance`);
    const { tasks } = timelineSchema.parse(await res.json());
    const listed = await list('name=resizeInstance&pageSize=500&sort=createdAt&order=asc');
    expect(tasks.map((t) => t.id)).toEqual(listed.tasks.map((t) => t.id));
    for (const [i, t] of tasks.entries()) {
      const l = listed.tasks[i]!;
      expect([t.name, t.status, t.user, t.start]).toEqual([l.name, l.status, l.userName, Date.parse(l.createdAt)]);
      expect(t.end).toBe(l.durationMs === null ? null : Date.parse(l.updatedAt));
    }
    expect(tasks.some((t) => t.end === null)).toBe(true);
  });

  it("keeps each answer in the window cache's byte bound, beside its window, and serves it again from there", async () => {
    const path = `/api/instances/${orders()}/insights?from=${from}&to=${to}&tz=Asia/Kolkata&status=FAILED`;
    await list('tz=UTC');
    const before = windows.size;
    const first = await app.request(path);
    const body = new Uint8Array(await first.arrayBuffer());
    const after = windows.size;
    // the body and the window's stats: new entries, counted at least at the body's size
    expect(after.entries).toBeGreaterThan(before.entries);
    expect(after.bytes - before.bytes).toBeGreaterThanOrEqual(body.byteLength);
    calls = 0;
    expect(new Uint8Array(await (await app.request(path)).arrayBuffer())).toEqual(body);
    expect(windows.size).toEqual(after);
    expect(calls).toBe(0);
  });

  it('answers 400 for an unknown zone or flag, naming the parameter', async () => {
    for (const [query, param] of [
      ['tz=Mars/Olympus', 'tz'],
      ['flag=slow', 'flag'],
      ['range=24h&from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z', 'range'],
    ] as const) {
      const res = await app.request(`/api/instances/${orders()}/insights?${query}`);
      expect(res.status).toBe(400);
      expect(apiErrorSchema.parse(await res.json()).error.message).toContain(`"${param}"`);
    }
  });
});
