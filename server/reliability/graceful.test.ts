import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiErrorSchema } from '../../shared/api-error.ts';
import { taskListSchema } from '../../shared/task.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { rawRequest } from './raw-request.ts';
import { liveEnv, spawnConsole } from './spawn-console.ts';
import { FAKE_AK, FAKE_SK } from './harness.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ ak: FAKE_AK, sk: FAKE_SK });
});
afterEach(() => sim.control.reset());
afterAll(() => sim.close());

describe('graceful stop', () => {
  const window = () => {
    const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    return `from=${new Date(to.getTime() - 7 * 86_400_000).toISOString()}&to=${to.toISOString()}`;
  };
  const prodOrders = () => sim.data.instances.find((i) => i.name === 'prod-orders')!.instance_id;

  it('SIGTERM during a 13-page window fetch: the request finishes whole and the process exits 0', async () => {
    const app = await spawnConsole({ ...liveEnv(sim), DMS_TIMEOUT_MS: '5000' });
    expect((await rawRequest(`${app.url}/api/instances`)).status).toBe(200);
    sim.control.setFaults({ latencyMs: 250, operations: ['ListBackgroundTasks'] });
    sim.control.clearRequests();
    const inFlight = rawRequest(`${app.url}/api/instances/${prodOrders()}/tasks?${window()}`);
    // the first page is answered and the rest are in flight when the signal comes
    await vi.waitFor(() => expect(sim.control.requests().length).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
    app.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status, answer.body).toBe(200);
    const list = taskListSchema.parse(JSON.parse(answer.body));
    expect(list.total).toBeGreaterThan(1000);
    // one call a page, and one that learns the endpoint's paging convention
    expect(sim.control.requests().length).toBe(Math.ceil(list.total / 100) + 1);
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
  }, 30_000);

  it('SIGTERM while DMS hangs: the request fails cleanly with 504 once its attempts time out, then exit 0', async () => {
    const app = await spawnConsole({ ...liveEnv(sim), DMS_TIMEOUT_MS: '400', DMS_MAX_ATTEMPTS: '2' });
    expect((await rawRequest(`${app.url}/api/instances`)).status).toBe(200);
    sim.control.setFaults({ hang: { ms: 60_000 }, operations: ['ListBackgroundTasks'] });
    const started = performance.now();
    const inFlight = rawRequest(`${app.url}/api/instances/${prodOrders()}/tasks?${window()}`);
    // the signal comes once the console's first attempt is hanging upstream, not after a guessed head start
    await vi.waitFor(() => expect(sim.control.pending()).toBeGreaterThan(0), { timeout: 10_000 });
    app.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(504);
    expect(apiErrorSchema.parse(JSON.parse(answer.body)).error.code).toBe('UPSTREAM_TIMEOUT');
    expect(await app.exited).toBe(0);
    // two attempts of 400 ms and a backoff of at most 250 ms, far below the 15 s forced exit
    expect(performance.now() - started).toBeLessThan(3_000);
  }, 30_000);

  it('SIGTERM with slowloris sockets (requests half sent): they are closed and the process exits 0', async () => {
    const app = await spawnConsole(liveEnv(sim));
    const { port } = new URL(app.url);
    const slow = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<{ closed: Promise<void> }>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => {
              // headers never finished: no blank line ever comes
              socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
              resolve({ closed: new Promise((r) => socket.once('close', () => r())) });
            });
            socket.on('error', () => {});
          }),
      ),
    );
    // the server has taken the five connections once a later one is answered
    expect((await rawRequest(`${app.url}/api/health`)).status).toBe(200);
    app.child.kill('SIGTERM');
    // 0, not the 1 of the forced exit 15 s later
    expect(await app.exited).toBe(0);
    await Promise.all(slow.map((s) => s.closed));
  }, 30_000);
});
