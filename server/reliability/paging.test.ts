import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from './harness.ts';

/**
 * A 10,000-task window, end to end (the real console in live mode, the simulator over HTTP),
 * whichever paging parameter DMS honours: complete and exact in each mode.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const second = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

describe('a 10,000-task window in each paging convention', () => {
  it.each(['start', 'offset', 'both'] as const)(
    'DMS honouring %s: every task once, in one call a page plus one to learn the convention',
    async (paging) => {
      // the listing may hold a few tasks more than the exact window, in its edge seconds
      // (and a loaded machine must not turn slow pages into timeouts)
      h = await startHarness({ WINDOW_MAX_TASKS: '10100', DMS_TIMEOUT_MS: '10000' });
      h.sim.control.setBehaviour({ paging });
      const instanceId = h.instanceId('prod-orders');
      // newest first; skip the newest hour, so the window is history, not still arriving
      const held = h.sim.data.tasks.get(instanceId)!.filter((t) => Date.parse(t.created_at) < Date.now() - 3_600_000);
      const to = held[0]!.created_at;
      const from = held[9_999]!.created_at;
      // a window holds whole seconds, as DMS filters: the edge seconds may add a few tasks
      const expected = held
        .filter((t) => Date.parse(t.created_at) >= second(from) && Date.parse(t.created_at) <= second(to) + 999)
        .map((t) => t.id);
      expect(expected.length).toBeGreaterThanOrEqual(10_000);
      const listedTotal = expected.length;
      h.sim.control.clearRequests();

      const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
      const answer = await h.send(`/api/instances/${instanceId}/export?format=json&${query}`);
      expect(answer.status).toBe(200);
      const body = json<{ total: number; tasks: { id: string }[] }>(answer);
      expect(body.total).toBe(listedTotal);
      expect(body.tasks.map((t) => t.id).sort()).toEqual([...expected].sort());
      const listed = h.sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks');
      // distinct requests: a retried page (a slow machine) asks the same thing again
      expect(new Set(listed.map((r) => r.path)).size).toBe(Math.ceil(listedTotal / 100) + 1);
    },
    120_000,
  );
});
