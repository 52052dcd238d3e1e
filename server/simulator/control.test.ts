import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TASK_ID_PATTERN } from '../../shared/contract.ts';
import { REQUEST_LOG_SIZE, createControl } from './control.ts';
import { behaviourSchema, faultsSchema, settingsFromEnv } from './faults.ts';
import { GATEWAY_MESSAGES } from './gateway.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { readAnswer, sdkFetch } from './test-client.ts';

let sim: RunningSimulator;
let instanceId: string;
beforeAll(async () => {
  sim = await startSimulator({ faults: { latencyMs: 0 } });
  instanceId = sim.data.instances[0]!.instance_id;
});
afterEach(() => sim.control.reset());
afterAll(() => sim.close());

const show = (signal?: AbortSignal) =>
  sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}` }, signal).then(readAnswer);
const listInstances = () =>
  sdkFetch(sim, { path: '/v2/{project_id}/instances', query: { engine: 'rabbitmq' } }).then(readAnswer);

describe('fault knobs (typed control object)', () => {
  it('latency delays answers by latencyMs plus up to jitterMs', async () => {
    sim.control.setFaults({ latencyMs: 150, jitterMs: 50 });
    const t = performance.now();
    expect((await show()).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);
    const last = sim.control.requests().at(-1)!;
    expect(last.durationMs).toBeGreaterThanOrEqual(150);
    expect(last.durationMs).toBeLessThan(1_000);
  });

  it('errorRate answers 500 DMS.00500000, only for the operations named when scoped', async () => {
    sim.control.setFaults({ errorRate: 1 });
    const failed = await show();
    expect(failed).toMatchObject({
      status: 500,
      json: { error_code: 'DMS.00500000', error_msg: 'Internal service error.' },
    });
    expect(failed.requestId).toMatch(/^[0-9a-f]{32}$/);
    sim.control.setFaults({ errorRate: 1, operations: ['ListInstancesDetails'] });
    expect((await show()).status).toBe(200);
    expect((await listInstances()).status).toBe(500);
    sim.control.setFaults({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => show().then((a) => a.status)));
    const fails = statuses.filter((s) => s === 500).length;
    expect(fails).toBeGreaterThan(5);
    expect(fails).toBeLessThan(35);
  });

  it('a 429 burst hits the next N calls, with or without Retry-After, with the gateway body', async () => {
    sim.control.setFaults({ throttleBurst: { count: 2, retryAfterSeconds: 7 } });
    for (let i = 0; i < 2; i++) {
      const res = await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}` });
      expect(res.headers.get('retry-after')).toBe('7');
      const a = await readAnswer(res);
      expect(a).toMatchObject({ status: 429, json: { error_code: 'APIGW.0308', request_id: a.requestId } });
      expect(a.json.error_msg).toBe(GATEWAY_MESSAGES.throttled(100));
    }
    expect((await show()).status).toBe(200);
    sim.control.setFaults({ throttleBurst: { count: 1 } });
    const res = await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}` });
    expect(res.status).toBe(429);
    expect(res.headers.has('retry-after')).toBe(false);
  });

  it('a hang outlasts the client timeout; the next call is answered', async () => {
    sim.control.setFaults({ hang: { ms: 10_000, count: 1 } });
    const t = performance.now();
    const hung = show(AbortSignal.timeout(200));
    await vi.waitFor(() => expect(sim.control.pending()).toBe(1));
    await expect(hung).rejects.toThrow();
    expect(performance.now() - t).toBeLessThan(2_000);
    expect((await show()).status).toBe(200);
    // the hung call ends when its client gives up, rather than holding the socket for 10 s
    await vi.waitFor(() => expect(sim.control.pending()).toBe(0));
    expect(sim.control.requests().find((r) => r.fault === 'hang')?.durationMs).toBeLessThan(2_000);
  });

  it('bad bodies: truncated JSON, and a non-JSON page under a JSON content type', async () => {
    const whole = (await show()).text;
    sim.control.setFaults({ badBody: { kind: 'truncated', count: 1 } });
    const cut = await show();
    expect(cut.status).toBe(200);
    expect(cut.json).toBeUndefined();
    expect(whole.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeGreaterThan(10);
    sim.control.setFaults({ badBody: { kind: 'non-json' } });
    const res = await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}` });
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.text()).toMatch(/^<html>/);
    expect((await show()).json).toBeUndefined(); // no count: every call
  });

  it("clock skew moves the gateway's clock, so a correct X-Sdk-Date is refused as expired", async () => {
    sim.control.setFaults({ clockSkewMs: 20 * 60_000 });
    const a = await show();
    expect(a.status).toBe(401);
    expect(a.json.error_msg).toMatch(/signature expired, signature time:\d{8}T\d{6}Z,server time:\d{8}T\d{6}Z$/);
    const [, signed, server] = /signature time:(\S+),server time:(\S+)$/.exec(a.json.error_msg as string)!;
    expect(server! > signed!).toBe(true);
    sim.control.setFaults({ clockSkewMs: 10 * 60_000 });
    expect((await show()).status).toBe(200);
  });

  it('revoked credentials are an unknown AK', async () => {
    sim.control.setFaults({ revokedAks: [sim.ak] });
    expect((await show()).json).toMatchObject({ error_code: 'APIGW.0301', error_msg: GATEWAY_MESSAGES.unknownAk });
  });

  it('read-only tenants cannot delete', async () => {
    sim.control.setFaults({ readOnly: true });
    const task = sim.data.tasks.get(instanceId)!.find((t) => t.status === 'SUCCESS')!;
    const a = await sdkFetch(sim, {
      method: 'DELETE',
      path: `/v2/{project_id}/instances/${instanceId}/tasks/${task.id}`,
    }).then(readAnswer);
    expect(a).toMatchObject({ status: 403, json: { error_code: 'DMS.00403002' } });
  });
});

describe('throttle mode', () => {
  let gatewayNow = Date.now();
  let throttled: RunningSimulator;
  beforeAll(async () => {
    throttled = await startSimulator({ gatewayClock: () => gatewayNow, faults: { throttle: { limitPerMinute: 3 } } });
  });
  afterAll(() => throttled.close());

  it('allows N calls a minute per AK, then 429 APIGW.0308 naming the limit, until the next minute', async () => {
    gatewayNow = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
    const call = () => sdkFetch(throttled, { path: '/v2/{project_id}/instances', query: { engine: 'rabbitmq' } });
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(200);
    const res = await call();
    expect(res.headers.has('retry-after')).toBe(false);
    expect(await readAnswer(res)).toMatchObject({
      status: 429,
      json: {
        error_code: 'APIGW.0308',
        error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 minute',
      },
    });
    throttled.control.patchFaults({ throttle: { limitPerMinute: 3, retryAfter: true } });
    const withHeader = await call();
    expect(Number(withHeader.headers.get('retry-after'))).toBe(59);
    gatewayNow += 60_000;
    expect((await call()).status).toBe(200);
  });
});

describe('/_simulator routes', () => {
  const control = (path: string, init?: RequestInit) =>
    fetch(`${sim.url}/_simulator${path}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });

  it('read and set faults (zod-validated), PATCH merges, reset restores the start options', async () => {
    expect(await (await control('/faults')).json()).toEqual(faultsSchema.parse({}));
    expect((await control('/faults', { method: 'PUT', body: JSON.stringify({ errorRate: 2 }) })).status).toBe(400);
    expect((await control('/faults', { method: 'PUT', body: JSON.stringify({ bogus: 1 }) })).status).toBe(400);
    expect((await control('/faults', { method: 'PUT', body: 'not json' })).status).toBe(400);
    const put = await control('/faults', { method: 'PUT', body: JSON.stringify({ errorRate: 1 }) });
    expect((await put.json()).errorRate).toBe(1);
    expect((await show()).status).toBe(500);
    await control('/faults', { method: 'PATCH', body: JSON.stringify({ latencyMs: 5 }) });
    expect(sim.control.faults()).toMatchObject({ errorRate: 1, latencyMs: 5 });
    expect((await control('/reset', { method: 'POST' })).status).toBe(204);
    expect(sim.control.faults()).toEqual(faultsSchema.parse({ latencyMs: 0 }));
  });

  it('switch behaviours', async () => {
    await control('/behaviour', { method: 'PUT', body: JSON.stringify({ unknownTask: 'not-found' }) });
    expect(sim.control.behaviour().unknownTask).toBe('not-found');
    expect(
      (await control('/behaviour', { method: 'PUT', body: JSON.stringify({ unknownTask: 'maybe' }) })).status,
    ).toBe(400);
  });

  it('list the requests (method, path, status, operation), not their own', async () => {
    sim.control.clearRequests();
    await show();
    await fetch(`${sim.url}/v2/nope`);
    await control('/faults');
    const { requests } = (await (await control('/requests')).json()) as { requests: unknown[] };
    expect(requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/v2/${sim.projectId}/instances/${instanceId}`,
        status: 200,
        operation: 'ShowInstance',
      }),
      expect.objectContaining({ method: 'GET', path: '/v2/nope', status: 404, operation: null }),
    ]);
    expect((await control('/requests', { method: 'DELETE' })).status).toBe(204);
    expect(sim.control.requests()).toEqual([]);
  });
});

describe('POST /_simulator/tasks', () => {
  // its own simulator on a clock the test moves, so "now" and "later" are exact
  let clocked: RunningSimulator;
  let now = Date.parse('2026-11-28T12:00:30Z');
  beforeAll(async () => {
    clocked = await startSimulator({ faults: { latencyMs: 0 }, clock: () => now });
  });
  afterAll(() => clocked.close());
  const inject = (body: unknown) =>
    fetch(`${clocked.url}/_simulator/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const newest = async (id: string) => {
    const res = await sdkFetch(clocked, {
      path: `/v2/{project_id}/instances/${id}/tasks`,
      query: { start: '1', limit: '1' },
    });
    return ((await readAnswer(res)).json as { tasks: { id: string; status: string; name: string }[] }).tasks[0];
  };

  it("places a task at the clock's now that lists first and lives its life by the clock; reset removes it", async () => {
    // legacy-billing gets no live arrivals: the newest task is the injected one or a seeded one
    const id = clocked.data.instances.find((i) => i.name === 'legacy-billing')!.instance_id;
    const seededNewest = await newest(id);
    const res = await inject({ instanceId: id, name: 'resizeInstance', queuedMs: 1_000, durationMs: 60_000 });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string; status: string; created_at: string };
    expect(task).toMatchObject({ status: 'CREATED', created_at: '2026-11-28T12:00:30.000Z' });
    expect(task.id).toMatch(TASK_ID_PATTERN);
    expect(await newest(id)).toMatchObject({ id: task.id, name: 'resizeInstance', status: 'CREATED' });
    now += 2_000;
    expect((await newest(id))!.status).toBe('EXECUTING');
    now += 60_000;
    expect((await newest(id))!.status).toBe('SUCCESS');
    const second = (await (await inject({ instanceId: id, final: 'FAILED', durationMs: 0 })).json()) as { id: string };
    expect(second.id).not.toBe(task.id);
    expect(await newest(id)).toMatchObject({ id: second.id, status: 'FAILED' });
    clocked.control.reset();
    expect(await newest(id)).toEqual(seededNewest);
  });

  it('answers 400 to a body it does not take and 404 for an unknown instance', async () => {
    const id = clocked.data.instances[0]!.instance_id;
    expect((await inject({ instanceId: id, bogus: 1 })).status).toBe(400);
    expect((await inject({ instanceId: id, durationMs: -1 })).status).toBe(400);
    expect((await inject({ name: 'x' })).status).toBe(400);
    expect((await inject({ instanceId: '00000000-0000-0000-0000-000000000000' })).status).toBe(404);
  });
});

describe('control internals', () => {
  it('keeps the request log bounded, newest kept', () => {
    const { control, internal } = createControl({
      faults: faultsSchema.parse({}),
      behaviour: behaviourSchema.parse({}),
    });
    for (let i = 0; i < REQUEST_LOG_SIZE + 5; i++) {
      internal.record({
        at: '',
        method: 'GET',
        path: `/${i}`,
        status: 200,
        operation: null,
        durationMs: 0,
        requestId: '',
      });
    }
    expect(control.requests()).toHaveLength(REQUEST_LOG_SIZE);
    expect(control.requests().at(-1)!.path).toBe(`/${REQUEST_LOG_SIZE + 4}`);
  });

  it('reads faults and switches from the environment, naming a bad variable', () => {
    const s = settingsFromEnv({
      SIMULATOR_FAULTS: '{"readOnly":true}',
      SIMULATOR_LATENCY_MS: '20',
      SIMULATOR_THROTTLE: '100',
      SIMULATOR_UNKNOWN_TASK: 'not-found',
      SIMULATOR_PAGING: 'offset',
      SIMULATOR_TIME_ZONE_OFFSET_MIN: '-300',
      SIMULATOR_END_EXCLUSIVE: 'true',
      SIMULATOR_SEED: '9',
    });
    expect(s.faults).toMatchObject({
      readOnly: true,
      latencyMs: 20,
      throttle: { limitPerMinute: 100, retryAfter: false },
    });
    expect(s.behaviour).toMatchObject({
      unknownTask: 'not-found',
      paging: 'offset',
      timeZoneOffsetMin: -300,
      endExclusive: true,
    });
    expect(settingsFromEnv({}).behaviour).toMatchObject({ paging: 'both', timeZoneOffsetMin: 0, endExclusive: false });
    expect(s.seed).toBe(9);
    expect(() => settingsFromEnv({ SIMULATOR_PAGING: 'page' })).toThrow(/SIMULATOR_PAGING/);
    expect(() => settingsFromEnv({ SIMULATOR_END_EXCLUSIVE: 'yes' })).toThrow(/SIMULATOR_END_EXCLUSIVE/);
    expect(() => settingsFromEnv({ SIMULATOR_ERROR_RATE: 'lots' })).toThrow(/SIMULATOR_ERROR_RATE/);
    expect(() => settingsFromEnv({ SIMULATOR_FAULTS: '{' })).toThrow(/SIMULATOR_FAULTS/);
  });
});
