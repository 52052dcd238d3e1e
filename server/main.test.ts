import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawRequest } from './reliability/raw-request.ts';
import { liveEnv, spawnConsole } from './reliability/spawn-console.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';

const AK = 'LEAKCHECKAK7Q2W9E4R0001';
const SK = 'leak-check-secret-key-never-in-output-0123456789';

/** `server/main.ts` as `npm start` would run it, in live mode against our simulator. */
const startConsole = async (sim: RunningSimulator, extraEnv: Record<string, string> = {}) => {
  const app = await spawnConsole({ ...liveEnv(sim), DMS_TIMEOUT_MS: '400', ...extraEnv });
  expect(app.mode).toBe('live');
  return app;
};

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ ak: AK, sk: SK });
});
afterAll(() => sim.close());

describe('the console process', () => {
  it('never shows the AK/SK in any answer or log line, on any route or error path', async () => {
    const app = await startConsole(sim);
    const answers: string[] = [];
    const statuses = new Set<number>();
    const hit = async (path: string, headers: Record<string, string> = {}) => {
      const r = await rawRequest(`${app.url}${path}`, { headers });
      answers.push(`${r.status} ${JSON.stringify(r.headers)} ${r.body}`);
      statuses.add(r.status);
      return r;
    };
    try {
      const instances = JSON.parse((await hit('/api/instances')).body) as { instances: { id: string }[] };
      const instanceId = instances.instances[0]!.id;
      const list = JSON.parse((await hit(`/api/instances/${instanceId}/tasks?range=7d&pageSize=10`)).body) as {
        tasks: { id: string }[];
      };
      await hit('/api/health');
      await hit(`/api/instances/${instanceId}/tasks/${list.tasks[0]!.id}`);
      await hit(`/api/instances/${instanceId}/tasks/${'f'.repeat(32)}`);
      await hit(`/api/instances/${instanceId}/export?format=csv&range=7d`);
      await hit(`/api/instances/${instanceId}/export?format=json&range=7d`);
      await hit(`/api/instances/${instanceId}/tasks?pageSize=1`);
      await hit('/api/instances/00000000-0000-0000-0000-000000000000/tasks');
      await hit('/api/instances/not-an-id/tasks');
      await hit('/api/nothing');
      await hit('/api/health', { host: 'rebind.example.com' });
      // upstream failures: 500s, hangs, a revoked AK, a wrong clock, throttling
      const faults = [
        { errorRate: 1 },
        { hang: { ms: 2_000 } },
        { revokedAks: [AK] },
        { clockSkewMs: 3_600_000 },
        { throttleBurst: { count: 100, retryAfterSeconds: 1 } },
      ];
      for (const [i, f] of faults.entries()) {
        sim.control.setFaults(f);
        await hit(`/api/instances/${instanceId}/tasks?range=${i + 2}h`);
        await hit(`/api/instances/${instanceId}/tasks/${'e'.repeat(32)}`);
      }
      sim.control.reset();
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    }
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 404, 421, 502, 503, 504]));
    const everything = `${answers.join('\n')}\n${app.output()}`;
    expect(app.output()).toContain('"msg":"request"');
    for (const secret of [AK, SK]) {
      expect(everything).not.toContain(secret);
      // nor a recognisable piece of it
      expect(everything).not.toContain(secret.slice(0, 12));
    }
  }, 60_000);

  it('on SIGTERM stops accepting, finishes the requests in flight, and exits 0', async () => {
    const app = await startConsole(sim, { DMS_TIMEOUT_MS: '5000' });
    const instanceId = sim.data.instances[0]!.instance_id;
    await rawRequest(`${app.url}/api/instances`);
    // the window's first call hangs until the console's 5 s timeout, then its retry is answered:
    // the request is in flight from the moment that call reaches the simulator until well after
    sim.control.setFaults({ hang: { ms: 60_000, count: 1 }, operations: ['ListBackgroundTasks'] });
    let answered = false;
    const inFlight = rawRequest(`${app.url}/api/instances/${instanceId}/tasks?range=1h`).finally(
      () => (answered = true),
    );
    await vi.waitFor(() => expect(sim.control.pending()).toBeGreaterThan(0), { timeout: 10_000 });
    app.child.kill('SIGTERM');
    const late = () =>
      rawRequest(`${app.url}/api/health`).then(
        (r) => r.status,
        (e: NodeJS.ErrnoException) => e.code,
      );
    await vi.waitFor(async () => expect(await late()).toBe('ECONNREFUSED'), { timeout: 4_000 });
    expect(answered).toBe(false);
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await app.exited).toBe(0);
    sim.control.reset();
  }, 30_000);
});
