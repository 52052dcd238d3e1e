import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostics } from '../../shared/diagnostics.ts';
import { type Harness, json, startHarness } from './harness.ts';

/**
 * begin_time/end_time are documented as `YYYYMMDDHHmmss`, but not their zone nor whether the
 * end is inclusive (docs/UPSTREAM.md, "Time filters"). The real console in live mode, against
 * the simulator playing each reading over HTTP: what a window holds at its edges, and what the
 * console says when the upstream answers outside the asked range.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;
const second = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;
type Listed = { total: number; tasks: { id: string; status: string; createdAt: string }[] };

const exportWindow = async (instanceId: string, from: string, to: string) => {
  const answer = await h!.send(
    `/api/instances/${instanceId}/export?format=json&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  expect(answer.status).toBe(200);
  return json<Listed>(answer);
};
/** The simulator's own tasks created in [fromMs, toMs], by its data. */
const held = (instanceId: string, fromMs: number, toMs: number) =>
  h!.sim.data.tasks
    .get(instanceId)!
    .filter((t) => Date.parse(t.created_at) >= fromMs && Date.parse(t.created_at) <= toMs)
    .map((t) => t.id)
    .sort();
const warnings = () =>
  h!.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.likelyCause !== undefined);
/**
 * A day's window, days ago (so the shifted range is history too), whose shifted range has tasks
 * within 25 minutes of both its ends: the bounds they set on the offset hold one whole hour, the right one.
 */
const denseWindow = (instanceId: string, shift: number) => {
  const created = h!.sim.data.tasks.get(instanceId)!.map((t) => Date.parse(t.created_at));
  const near = (ms: number, side: 1 | -1) => created.some((c) => side * (c - ms) >= 0 && side * (c - ms) < 25 * 60_000);
  for (let k = 0; k < 500; k++) {
    const toMs = second(new Date(Date.now() - 2 * 24 * HOUR - k * HOUR).toISOString());
    const fromMs = toMs - 24 * HOUR;
    const inside = created.filter((c) => c >= fromMs - shift && c <= toMs + 1_999 - shift);
    const kept = inside.filter((c) => c >= fromMs && c <= toMs + 999).length;
    if (near(fromMs - shift, 1) && near(toMs + 1_999 - shift, -1) && kept > 20 && inside.length - kept > 20)
      return { fromMs, toMs };
  }
  throw new Error('no window of the seed has tasks at both shifted edges');
};
const timeFilterCheck = async () => {
  const d = json<Diagnostics>(await h!.send('/api/diagnostics'));
  return d.targets[0]!.checks.find((c) => c.name === 'time-filter')!;
};

describe('a window’s edges whether end_time is inclusive or exclusive', () => {
  it.each([false, true])(
    'end exclusive: %s: the tasks of the first and the last second are in, each once, and nothing else',
    async (endExclusive) => {
      h = await startHarness();
      h.sim.control.setBehaviour({ endExclusive });
      const instanceId = h.instanceId('prod-orders');
      // newest first; a window of about 250 tasks (three pages) ending on a task's own second
      const past = h.sim.data.tasks.get(instanceId)!.filter((t) => Date.parse(t.created_at) < Date.now() - HOUR);
      const to = past[10]!.created_at;
      const from = past[260]!.created_at;
      const expected = held(instanceId, second(from), second(to) + 999);
      expect(expected).toContain(past[10]!.id);
      expect(expected).toContain(past[260]!.id);

      const body = await exportWindow(instanceId, from, to);
      const ids = body.tasks.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(expected);
      expect(body.total).toBe(expected.length);
      // the extra second read past the end is not a task outside the range
      expect(warnings()).toEqual([]);
      expect((await timeFilterCheck()).status).toBe(endExclusive ? 'warn' : 'ok');
    },
    60_000,
  );
});

describe('begin_time/end_time read in another time zone', () => {
  it.each([
    [480, 'before'],
    [-300, 'after'],
  ] as const)(
    'at UTC%s min: the window keeps only its own tasks, and the log and the doctor name the offset',
    async (offsetMin, side) => {
      h = await startHarness();
      h.sim.control.setBehaviour({ timeZoneOffsetMin: offsetMin });
      const instanceId = h.instanceId('prod-orders');
      const shift = offsetMin * 60_000;
      const { fromMs, toMs } = denseWindow(instanceId, shift);
      const body = await exportWindow(instanceId, new Date(fromMs).toISOString(), new Date(toMs).toISOString());

      // The upstream answered [from, to + 1 s] shifted by the offset: the console keeps the part inside the window.
      const shown = held(instanceId, Math.max(fromMs, fromMs - shift), Math.min(toMs + 999, toMs + 1_999 - shift));
      expect(shown.length).toBeGreaterThan(20);
      expect(body.tasks.map((t) => t.id).sort()).toEqual(shown);
      // ... and says so: never a silent loss at the other edge
      const [warning, ...more] = warnings();
      expect(more).toEqual([]);
      expect(warning).toMatchObject({
        level: 'warn',
        instanceId,
        likelyCause: 'zone-offset',
        offsetMin,
        begin: new Date(fromMs).toISOString(),
        end: new Date(toMs + 1_999).toISOString(),
      });
      expect(warning![side]).toBeGreaterThan(20);
      expect(warning![side === 'before' ? 'after' : 'before']).toBe(0);
      expect(warning!.advice).toContain(`DMS_TIME_ZONE_OFFSET_MIN=${offsetMin}`);
      // another window within the minute (starting a second earlier, so the first cannot serve it):
      // counted for the doctor, not logged again
      await exportWindow(instanceId, new Date(fromMs - 1_000).toISOString(), new Date(toMs).toISOString());
      expect(warnings()).toHaveLength(1);
      const check = await timeFilterCheck();
      expect(check.status).toBe('warn');
      expect(check.summary).toMatch(/2 window listings answered tasks outside the asked range/);
      expect(check.advice).toContain(`DMS_TIME_ZONE_OFFSET_MIN=${offsetMin}`);
    },
    60_000,
  );

  it('with DMS_TIME_ZONE_OFFSET_MIN set to the upstream’s zone, the window is exactly the simulator’s', async () => {
    h = await startHarness({ DMS_TIME_ZONE_OFFSET_MIN: '480' });
    h.sim.control.setBehaviour({ timeZoneOffsetMin: 480, endExclusive: true });
    const instanceId = h.instanceId('prod-orders');
    const past = h.sim.data.tasks.get(instanceId)!.filter((t) => Date.parse(t.created_at) < Date.now() - HOUR);
    const to = past[5]!.created_at;
    const from = past[400]!.created_at;
    const body = await exportWindow(instanceId, from, to);
    expect(body.tasks.map((t) => t.id).sort()).toEqual(held(instanceId, second(from), second(to) + 999));
    expect(warnings()).toEqual([]);
    expect((await timeFilterCheck()).summary).toMatch(/UTC\+8 h \(DMS_TIME_ZONE_OFFSET_MIN\)|end_time is exclusive/);
  }, 60_000);
});
