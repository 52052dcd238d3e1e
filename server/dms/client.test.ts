import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DmsCallInfo, type DmsClientOptions, createDmsClient, parseClockSkew, parseRetryAfter } from './client.ts';
import { ENGINES } from '../../shared/contract.ts';
import { UpstreamError } from './errors.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { parseAuthorization } from './signer.ts';

const AK = 'SCRIPTEDAK0000000001';
const SK = 'scripted-secret-key-do-not-leak-0123456789';
const TOKEN = 'temporary-security-token-do-not-leak';
const PROJECT = '0123456789abcdef0123456789abcdef';
const INSTANCE = '11111111-2222-3333-4444-555555555555';
const TASK = 'ff80808272dcc90f0172df1e490f41b0';

/**
 * An upstream stand-in at the HTTP boundary: each request takes the next scripted answer.
 * It records what it received so tests can check paths, queries and signed headers.
 */
type Answer = (req: IncomingMessage, res: ServerResponse) => void;
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'a'.repeat(32), ...headers });
    res.end(JSON.stringify(body));
  };
const hang: Answer = () => {};
const truncated: Answer = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
  res.write('{"task_count":"1","tasks":[{"id":');
  setTimeout(() => res.destroy(), 10);
};
const reset: Answer = (req) => req.socket.destroy();

let script: Answer[] = [];
let received: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
let baseUrl = '';
const server = createServer((req, res) => {
  received.push({ method: req.method!, url: req.url!, headers: req.headers });
  const answer = script.shift() ?? json(500, { error_code: 'TEST.0', error_msg: 'script exhausted' });
  answer(req, res);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  script = [];
  received = [];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const taskList = (count: number, ids: string[]) => ({
  task_count: String(count),
  tasks: ids.map((id) => ({
    id,
    name: 'bindInstancePublicIp',
    user_name: 'alice',
    user_id: 'b'.repeat(32),
    params: '{"enable_public_ip":true}',
    status: 'SUCCESS',
    created_at: '2024-01-02T03:04:05.471Z',
    updated_at: '2024-01-02T03:05:05.471Z',
    an_unknown_field: { nested: true },
  })),
});

/** A client whose waits are recorded, not slept, and whose clock advances by what it waits. */
const scripted = (extra: Partial<DmsClientOptions> = {}) => {
  let clock = Date.now();
  const slept: number[] = [];
  const calls: DmsCallInfo[] = [];
  const client = createDmsClient({
    endpoint: baseUrl,
    projectId: PROJECT,
    credentials: { ak: AK, sk: SK, securityToken: TOKEN },
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    onCall: (info) => calls.push(info),
    ...extra,
  });
  return { client, slept, calls };
};

const failure = async (promise: Promise<unknown>): Promise<UpstreamError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
};

const expectNoSecrets = (error: unknown) => {
  const text = [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    JSON.stringify((error as UpstreamError).details),
  ].join('\n');
  for (const secret of [SK, AK, TOKEN, 'SDK-HMAC-SHA256', 'Signature=']) expect(text).not.toContain(secret);
};

describe('requests', () => {
  it('signs with the project id and security token, and sends start/limit/begin_time/end_time', async () => {
    const { client, calls } = scripted();
    const answer = taskList(1, [TASK]);
    script = [json(200, answer)];
    const list = await client.listTasks({
      instanceId: INSTANCE,
      start: 1,
      limit: 100,
      beginTime: '20240101000000',
      endTime: '20240102235959',
    });
    expect(list.task_count).toBe(1);
    // the task as DMS sent it, less the field nobody reads
    const { an_unknown_field: _dropped, ...sent } = answer.tasks[0]!;
    expect(list.tasks[0]).toEqual(sent);
    expect(list.tasks[0]).not.toHaveProperty('an_unknown_field');
    const [req] = received;
    expect(req!.url).toBe(
      `/v2/${PROJECT}/instances/${INSTANCE}/tasks?start=1&limit=100&begin_time=20240101000000&end_time=20240102235959`,
    );
    expect(req!.headers['x-project-id']).toBe(PROJECT);
    expect(req!.headers['x-security-token']).toBe(TOKEN);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(parseAuthorization(req!.headers.authorization)?.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-project-id',
      'x-sdk-date',
      'x-security-token',
    ]);
    expect(calls).toEqual([
      {
        operation: 'ListBackgroundTasks',
        method: 'GET',
        status: 200,
        durationMs: expect.any(Number),
        attempt: 1,
        requestId: 'a'.repeat(32),
      },
    ]);
  });

  it('encodes ids into one path segment and refuses dot segments', async () => {
    const { client } = scripted();
    script = [json(200, taskList(0, []))];
    expect(await client.showTask(INSTANCE, 'a/b c')).toBeUndefined();
    expect(received[0]!.url).toBe(`/v2/${PROJECT}/instances/${INSTANCE}/tasks/a%2Fb%20c`);
    await expect(client.showTask(INSTANCE, '..')).rejects.toThrow(RangeError);
  });

  it('pages ListInstancesDetails by offset/limit 50 until instance_num, dropping repeats', async () => {
    const instance = (n: number) => ({
      instance_id: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
      name: `mq-${n}`,
      status: 'RUNNING',
      engine: 'rabbitmq',
      created_at: '1700000000000',
      broker_num: 'three',
      tags: 'not-a-list',
      undocumented: 'ignored',
    });
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => instance(from + i));
    const { client, calls } = scripted();
    // a listing that shifts under us: the third page repeats one of the second
    script = [
      json(200, { instances: range(0, 50), instance_num: 120 }),
      json(200, { instances: range(50, 100), instance_num: 120 }),
      json(200, { instances: range(99, 119), instance_num: 120 }),
    ];
    const all = await client.listInstances();
    expect(received.map((r) => new URL(r.url, baseUrl).search)).toEqual([
      '?engine=rabbitmq&offset=0&limit=50',
      '?engine=rabbitmq&offset=50&limit=50',
      '?engine=rabbitmq&offset=100&limit=50',
    ]);
    expect(all).toHaveLength(119);
    expect(new Set(all.map((i) => i.instance_id)).size).toBe(119);
    expect(all[0]!.created_at).toBe(1_700_000_000_000);
    // fields the console does not read are dropped, so a malformed one fails nothing
    expect(all[0]).not.toHaveProperty('broker_num');
    expect(all[0]).not.toHaveProperty('tags');
    expect(all[0]).not.toHaveProperty('undocumented');
    expect(calls.map((c) => c.operation)).toEqual(Array(3).fill('ListInstancesDetails'));
  });

  it('stops paging on an empty page even if instance_num promises more', async () => {
    const { client } = scripted();
    script = [json(200, { instances: [], instance_num: 7 })];
    expect(await client.listInstances()).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it('awaits the limiter before every attempt, retries included', async () => {
    const order: string[] = [];
    const { client } = scripted({
      limiter: {
        acquire: async () => {
          order.push(`acquire ${received.length}`);
        },
      },
    });
    script = [json(503, {}), json(200, taskList(0, []))];
    await client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 });
    expect(order).toEqual(['acquire 0', 'acquire 1']);
  });
});

describe('retries', () => {
  it('retries reads on 5xx with full-jitter exponential backoff', async () => {
    const { client, slept, calls } = scripted({ baseDelayMs: 100, maxDelayMs: 250 });
    script = [json(500, {}), json(502, {}), json(503, {}), json(200, taskList(0, []))];
    await client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 });
    // random() = 0.5 of min(250, 100·2^(n-1))
    expect(slept).toEqual([50, 100, 125]);
    expect(calls.map((c) => [c.attempt, c.status])).toEqual([
      [1, 500],
      [2, 502],
      [3, 503],
      [4, 200],
    ]);
  });

  it('gives up after maxAttempts with the last answer', async () => {
    const { client, calls } = scripted({ maxAttempts: 3 });
    script = [
      json(500, {}),
      json(500, {}),
      json(500, { error_code: 'DMS.00500000', error_msg: 'Internal service error.' }),
      json(200, {}),
    ];
    const error = await failure(client.showTask(INSTANCE, TASK));
    expect(error.details).toMatchObject({ status: 500, errorCode: 'DMS.00500000', attempts: 3, kind: 'http' });
    expect(calls).toHaveLength(3);
  });

  it('honours Retry-After in seconds on 429 and keeps it on the error', async () => {
    const throttled = {
      error_code: 'APIGW.0308',
      error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute',
    };
    const { client, slept } = scripted({ maxAttempts: 2 });
    script = [json(429, throttled, { 'retry-after': '3' }), json(429, throttled, { 'retry-after': '7' })];
    const error = await failure(client.showTask(INSTANCE, TASK));
    expect(slept).toEqual([3000]);
    expect(error.details).toMatchObject({ status: 429, errorCode: 'APIGW.0308', retryAfterSeconds: 7 });
  });

  it('honours Retry-After as an HTTP date, and caps a long one', async () => {
    const { client, slept } = scripted({ maxRetryAfterMs: 5_000, deadlineMs: 60_000 });
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    script = [json(503, {}, { 'retry-after': inTwoMinutes }), json(200, taskList(0, []))];
    await client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 });
    expect(slept).toEqual([5_000]);
  });

  it('gives up at once when the wait would pass the deadline', async () => {
    const { client, slept, calls } = scripted({ deadlineMs: 2_000 });
    script = [json(429, {}, { 'retry-after': '10' }), json(200, taskList(0, []))];
    const error = await failure(client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 }));
    expect(slept).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(error.details.retryAfterSeconds).toBe(10);
  });

  it('does not retry 4xx answers', async () => {
    const { client, calls } = scripted();
    script = [json(400, { error_code: 'DMS.00400070', error_msg: 'Invalid task ID format.' })];
    const error = await failure(client.showTask(INSTANCE, 'nope'));
    expect(error.details).toMatchObject({
      status: 400,
      errorCode: 'DMS.00400070',
      errorMsg: 'Invalid task ID format.',
    });
    expect(calls).toHaveLength(1);
  });

  it('retries a body cut off mid-way, and a reset connection', async () => {
    const { client, calls } = scripted();
    script = [truncated, reset, json(200, taskList(1, [TASK]))];
    const list = await client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 });
    expect(list.tasks.map((t) => t.id)).toEqual([TASK]);
    expect(calls.map((c) => c.status)).toEqual([200, 0, 200]);
  });

  it('times out each attempt, then reports a timeout', async () => {
    const { client, calls } = scripted({ timeoutMs: 150, maxAttempts: 2 });
    script = [hang, hang];
    const started = Date.now();
    const error = await failure(client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 }));
    expect(error.details).toMatchObject({ kind: 'timeout', status: 0, attempts: 2 });
    expect(error.message).toContain('150 ms');
    expect(calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection as a network error after bounded tries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { client, calls } = scripted({ endpoint: `http://127.0.0.1:${port}` });
    const error = await failure(client.showTask(INSTANCE, TASK));
    expect(error.details).toMatchObject({ kind: 'network', status: 0, attempts: 4 });
    expect(error.message).toContain('ECONNREFUSED');
    expect(calls).toHaveLength(4);
  });

  it("stops at once when the caller's signal aborts, without retrying", async () => {
    const { client, calls } = scripted();
    const controller = new AbortController();
    const pending = client
      .listTasks({ instanceId: INSTANCE, start: 1, limit: 10, signal: controller.signal })
      .catch((e: unknown) => e);
    // abort once the server holds the call, however slow the machine is to get it there
    while (received.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    const error = await pending;
    expect((error as Error).name).toBe('AbortError');
    expect(calls).toHaveLength(1);
    expect(received).toHaveLength(1);
  });
});

describe('errors', () => {
  it('rejects an answer that is not the documented shape, without retrying', async () => {
    const { client, calls } = scripted();
    script = [json(200, { task_count: 'many', tasks: [] })];
    const error = await failure(client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 }));
    expect(error.details.kind).toBe('invalid-response');
    expect(error.message).toContain('task_count');
    expect(calls).toHaveLength(1);
  });

  it('keeps status, code, message and request id, and never a secret, even when the gateway echoes one', async () => {
    const { client } = scripted();
    const requestId = 'c'.repeat(32);
    script = [
      json(
        401,
        {
          error_code: 'APIGW.0301',
          error_msg: `Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:GET|/v2/|x-security-token:${TOKEN}|ak:${AK}|sk:${SK}`,
          request_id: requestId,
        },
        { 'x-request-id': requestId },
      ),
    ];
    const error = await failure(client.listTasks({ instanceId: INSTANCE, start: 1, limit: 10 }));
    expect(error.details).toMatchObject({ status: 401, errorCode: 'APIGW.0301', requestId, kind: 'http' });
    expect(error.details.errorMsg).toContain('verify aksk signature fail');
    expectNoSecrets(error);
  });

  it('takes the request id from the gateway body when the header is missing', async () => {
    const { client } = scripted();
    script = [
      (_req, res) =>
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error_code: 'APIGW.0101', error_msg: 'x', request_id: 'd'.repeat(32) })),
    ];
    expect((await failure(client.showTask(INSTANCE, TASK))).details.requestId).toBe('d'.repeat(32));
  });

  it('turns "signature expired" into a clock-skew error naming both clocks', async () => {
    const { client, calls } = scripted();
    script = [
      json(401, {
        error_code: 'APIGW.0301',
        error_msg:
          'Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:20211217T064303Z,server time:20211217T065804Z',
        request_id: 'e'.repeat(32),
      }),
    ];
    const error = await failure(client.showTask(INSTANCE, TASK));
    expect(error.details).toMatchObject({
      kind: 'clock-skew',
      status: 401,
      errorCode: 'APIGW.0301',
      localTime: '2021-12-17T06:43:03.000Z',
      serverTime: '2021-12-17T06:58:04.000Z',
    });
    expect(error.message).toMatch(/clock.*2021-12-17T06:43:03\.000Z.*2021-12-17T06:58:04\.000Z/);
    expect(calls).toHaveLength(1);
  });
});

describe('parsers', () => {
  it('reads Retry-After', () => {
    const now = Date.parse('2024-01-02T03:04:05Z');
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:04:15 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads clock skew only from "signature expired"', () => {
    expect(parseClockSkew('verify aksk signature fail')).toBeUndefined();
    expect(parseClockSkew('signature expired')).toEqual({ localTime: undefined, serverTime: undefined });
  });
});

describe('against the simulator, over real HTTP', () => {
  let sim: RunningSimulator;
  const temporary = { ak: 'SIMTEMPAK00000000001', sk: 'sim-temporary-secret-0123456789', securityToken: TOKEN };
  beforeAll(async () => {
    // the data clock stands still: a live arrival between two page reads would shift the pages
    const frozen = Date.now();
    sim = await startSimulator({ extraCredentials: [temporary], clock: () => frozen });
  });
  afterEach(() => sim.control.reset());
  afterAll(() => sim.close());

  const simClient = (extra: Partial<DmsClientOptions> = {}) => {
    const slept: number[] = [];
    const calls: DmsCallInfo[] = [];
    const client = createDmsClient({
      endpoint: sim.url,
      projectId: sim.projectId,
      credentials: { ak: sim.ak, sk: sim.sk },
      sleep: async (ms) => {
        slept.push(ms);
      },
      onCall: (info) => calls.push(info),
      ...extra,
    });
    return { client, slept, calls };
  };
  const rabbitmq = () => sim.data.instances.filter((i) => i.engine === 'rabbitmq');
  const busiest = () =>
    sim.data.instances
      .map((i) => ({ id: i.instance_id, tasks: sim.data.tasks.get(i.instance_id) ?? [] }))
      .sort((a, b) => b.tasks.length - a.tasks.length)[0]!;

  it('lists every instance, normalised', async () => {
    const { client } = simClient();
    // the default seed is a mixed fleet: each engine's listing holds its own instances
    for (const engine of ENGINES) {
      const instances = await client.listInstances(undefined, engine);
      const seeded = sim.data.instances.filter((i) => i.engine === engine);
      expect(seeded.length).toBeGreaterThan(0);
      expect(instances.map((i) => i.instance_id).sort()).toEqual(seeded.map((i) => i.instance_id).sort());
      for (const i of instances) expect(typeof i.created_at).toBe('number');
    }
  });

  it('lists tasks page by page, task_count the total, and shows one', async () => {
    const { client } = simClient();
    const { id, tasks } = busiest();
    expect(tasks.length).toBeGreaterThan(100);
    const first = await client.listTasks({ instanceId: id, start: 1, limit: 100 });
    const second = await client.listTasks({ instanceId: id, start: 101, limit: 100 });
    expect(first.task_count).toBe(tasks.length);
    expect([...first.tasks, ...second.tasks].map((t) => t.id)).toEqual(tasks.slice(0, 200).map((t) => t.id));
    const shown = await client.showTask(id, tasks[3]!.id);
    expect(shown?.id).toBe(tasks[3]!.id);
    expect(typeof shown?.params).toBe('string');
  });

  it('reports an unknown instance with its code and a 32-hex request id', async () => {
    const { client } = simClient();
    const error = await failure(client.showTask('99999999-9999-9999-9999-999999999999', 'f'.repeat(32)));
    expect(error.details).toMatchObject({
      status: 404,
      errorCode: 'DMS.00404022',
      errorMsg: 'This instance does not exist.',
    });
    expect(error.details.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('signs temporary credentials (X-Security-Token) the gateway accepts', async () => {
    const { client } = simClient({ credentials: temporary });
    expect((await client.listInstances()).length).toBe(rabbitmq().length);
  });

  it('a wrong secret key gives APIGW.0301 and an error without any secret in it', async () => {
    const { client, calls } = simClient({ credentials: { ak: sim.ak, sk: SK } });
    const error = await failure(client.listInstances());
    expect(error.details).toMatchObject({ status: 401, errorCode: 'APIGW.0301', kind: 'http' });
    expect(calls).toHaveLength(1);
    const text = [String(error), JSON.stringify(error.details)].join('\n');
    for (const secret of [SK, sim.sk, sim.ak, 'Signature=']) expect(text).not.toContain(secret);
  });

  it("names both clocks when the gateway's clock is 20 minutes ahead", async () => {
    sim.control.patchFaults({ clockSkewMs: 20 * 60_000 });
    const { client } = simClient();
    const before = Date.now();
    const error = await failure(client.listInstances());
    expect(error.details.kind).toBe('clock-skew');
    const local = Date.parse(error.details.localTime!);
    const server = Date.parse(error.details.serverTime!);
    expect(Math.abs(local - before)).toBeLessThan(5_000);
    expect(Math.abs(server - local - 20 * 60_000)).toBeLessThan(5_000);
    expect(error.message).toContain('clock');
  });

  it('rides out a throttling burst, waiting as Retry-After says', async () => {
    sim.control.patchFaults({ throttleBurst: { count: 2, retryAfterSeconds: 1 } });
    const { client, slept, calls } = simClient();
    const { id } = busiest();
    const page = await client.listTasks({ instanceId: id, start: 1, limit: 10 });
    expect(page.tasks).toHaveLength(10);
    expect(slept).toEqual([1000, 1000]);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('retries truncated and non-JSON bodies', async () => {
    const { client, calls } = simClient();
    const { id } = busiest();
    sim.control.patchFaults({ badBody: { kind: 'truncated', count: 1 } });
    expect((await client.listTasks({ instanceId: id, start: 1, limit: 10 })).tasks).toHaveLength(10);
    sim.control.patchFaults({ badBody: { kind: 'non-json', count: 2 } });
    expect((await client.listTasks({ instanceId: id, start: 1, limit: 10 })).tasks).toHaveLength(10);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 1, 2, 3]);
    sim.control.patchFaults({ badBody: { kind: 'non-json' } });
    expect((await failure(client.listTasks({ instanceId: id, start: 1, limit: 10 }))).details).toMatchObject({
      kind: 'invalid-response',
      attempts: 4,
    });
  });

  it('times out on a hanging gateway within the deadline', async () => {
    sim.control.patchFaults({ hang: { ms: 5_000 } });
    const { client, calls } = simClient({ timeoutMs: 100, maxAttempts: 3 });
    const error = await failure(client.listInstances());
    expect(error.details).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(calls).toHaveLength(3);
  });
});
