import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../simulator/faults.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { type ConsoleChild, liveEnv, spawnConsole } from './spawn-console.ts';

/**
 * Issue 11's "done when": the console as `npm start` runs it (server/main.ts, its own process)
 * in live mode, its DMS_* environment pointing at a standalone simulator over HTTP (signed
 * requests) that honours only `offset`, shows a 30-day window of the biggest instance exactly as
 * the simulator holds it.
 */
let sim: RunningSimulator;
let app: ConsoleChild;
let base: string;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, behaviour: settingsFromEnv({ SIMULATOR_PAGING: 'offset' }).behaviour });
  app = await spawnConsole({ ...liveEnv(sim), HUAWEICLOUD_SDK_REGION: 'cn-north-4' });
  expect(app.mode).toBe('live');
  base = app.url;
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

type Exported = { total: number; tasks: { id: string; status: string; createdAt: string; updatedAt: string }[] };

describe('a live-mode console against the standalone simulator in offset mode', () => {
  it('shows a 30-day window of the biggest instance identical to what the simulator holds', async () => {
    expect(sim.control.behaviour().paging).toBe('offset');
    const biggest = [...sim.data.instances].sort(
      (a, b) => sim.data.tasks.get(b.instance_id)!.length - sim.data.tasks.get(a.instance_id)!.length,
    )[0]!;
    const instanceId = biggest.instance_id;
    // thirty days to the whole second ten minutes ago: no task arrives in it while it is read
    const toMs = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
    const fromMs = toMs - 30 * 86_400_000;
    const held = () =>
      sim.data.tasks.get(instanceId)!.filter((t) => {
        const c = Date.parse(t.created_at);
        return c >= fromMs && c <= toMs + 999;
      });
    const before = held();
    const query = `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
    const answer = await fetch(`${base}/api/instances/${instanceId}/export?format=json&${query}`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Exported;
    const after = new Map(held().map((t) => [t.id, t]));

    expect(before.length).toBeGreaterThan(1_000);
    expect(body.total).toBe(before.length);
    expect(body.tasks.map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
    const was = new Map(before.map((t) => [t.id, t]));
    for (const t of body.tasks) {
      const then = was.get(t.id)!;
      const now = after.get(t.id)!;
      expect(t.createdAt, t.id).toBe(then.created_at);
      // a task may finish while the window is read: it is as the simulator held it then or now
      expect([`${then.status} ${then.updated_at}`, `${now.status} ${now.updated_at}`], t.id).toContain(
        `${t.status} ${t.updatedAt}`,
      );
    }
    // pages past the first were asked by offset (start is ignored in this mode), after one call that learned it
    const listed = sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks');
    const paged = listed.filter((r) => /[?&]offset=[1-9]/.test(r.path));
    expect(paged.length).toBeGreaterThanOrEqual(Math.ceil(before.length / 100) - 1);
    expect(listed.filter((r) => /[?&]start=/.test(r.path))).toHaveLength(1);
  }, 120_000);
});
