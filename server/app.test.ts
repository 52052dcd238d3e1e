import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../shared/api-error.ts';
import { instanceListSchema } from '../shared/instance.ts';
import { LIST_PARAMS_MAX, TASK_EXPORT_QUERY_KEYS } from '../shared/contract.ts';
import { taskDetailSchema, taskListSchema } from '../shared/task.ts';
import type { AppOptions } from './app.ts';
import { type CallBudget, createCallBudget } from './budget.ts';
import { countUpstreamCall } from './log.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';
import { ConfigError, parseConfig } from './config.ts';
import { simulatorApp, simulatorClient } from './test-app.ts';

let sim: RunningSimulator;
let calls = 0;
const logs: string[] = [];

const build = (over: Partial<AppOptions> = {}, budget?: CallBudget) =>
  simulatorApp(
    sim,
    simulatorClient(sim, {
      limiter: budget,
      onCall: () => {
        calls++;
        countUpstreamCall();
      },
    }),
    { budget, log: (line) => logs.push(line), ...over },
  );
let app: ReturnType<typeof build>;
const id = (name: string) => sim.data.instances.find((i) => i.name === name)!.instance_id;
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const errorOf = async (res: Response) => apiErrorSchema.parse(await res.json()).error;

beforeAll(async () => {
  sim = await startSimulator();
  app = build();
});
afterAll(() => sim.close());
afterEach(() => sim.control.reset());

describe('the API over the simulator', () => {
  it('answers health, instances and a page of tasks with facets', async () => {
    expect(await (await get('/api/health')).json()).toEqual({ status: 'ok', mode: 'simulator' });
    const { instances } = instanceListSchema.parse(await (await get('/api/instances')).json());
    expect(instances.map((i) => i.name)).toContain('prod-orders');
    const res = await get(
      `/api/instances/${id('prod-payments')}/tasks?range=30d&status=FAILED,SUCCESS&pageSize=10&sort=name&order=asc`,
    );
    expect(res.status).toBe(200);
    const list = taskListSchema.parse(await res.json());
    expect(list.tasks).toHaveLength(10);
    expect(list.tasks.every((t) => t.status === 'FAILED' || t.status === 'SUCCESS')).toBe(true);
    expect(list.tasks.map((t) => t.name)).toEqual([...list.tasks.map((t) => t.name)].sort());
    // status facets ignore the status filter, so every status can still be clicked
    expect(Object.keys(list.facets.status).length).toBeGreaterThan(2);
    expect(list.total).toBe((list.facets.status.FAILED ?? 0) + (list.facets.status.SUCCESS ?? 0));
  });

  it('cuts a huge params short in the list, and keeps it whole in the task route and the export', async () => {
    const path = `/api/instances/${id('prod-orders')}/tasks?range=24h&q=max_connections&pageSize=500`;
    const list = taskListSchema.parse(await (await get(path)).json());
    const big = list.tasks.find((t) => t.paramsTruncated);
    expect(big?.params).toHaveLength(LIST_PARAMS_MAX);
    expect(list.tasks.filter((t) => !t.paramsTruncated).every((t) => t.params.length <= LIST_PARAMS_MAX)).toBe(true);
    const { task } = taskDetailSchema.parse(
      await (await get(`/api/instances/${id('prod-orders')}/tasks/${big!.id}`)).json(),
    );
    expect(task.params.length).toBeGreaterThan(100_000);
    expect(task.params.startsWith(big!.params)).toBe(true);
    expect(task.paramsTruncated).toBeUndefined();
    expect(() => JSON.parse(task.params)).not.toThrow();
    const exported = (await (
      await get(`/api/instances/${id('prod-orders')}/export?format=json&range=24h&q=max_connections`)
    ).json()) as { tasks: { id: string; params: string }[] };
    expect(exported.tasks.find((t) => t.id === big!.id)?.params).toBe(task.params);
  });

  it('shares one window among concurrent requests and serves page changes from the cache', async () => {
    // an explicit window, so the test cannot straddle the rolling key's 5 s step
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const path = `/api/instances/${id('prod-orders')}/tasks?from=${from}&to=${to}`;
    calls = 0;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`${path}&page=${i + 1}`)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const { total } = taskListSchema.parse(await answers[0]!.json());
    const perWindow = calls;
    expect(perWindow).toBeLessThanOrEqual(Math.ceil((total + 5) / 100));
    await get(`${path}&sort=status&q=restart&pageSize=100`);
    expect(calls).toBe(perWindow);
  });

  it('serves a task from the cached window, or from ShowBackgroundTask, and 404 for an unknown one', async () => {
    const instanceId = id('staging-events');
    const list = taskListSchema.parse(
      await (await get(`/api/instances/${instanceId}/tasks?range=90d&pageSize=10`)).json(),
    );
    const task = list.tasks.find((t) => t.status !== 'CREATED' && t.status !== 'EXECUTING')!;
    calls = 0;
    const cached = taskDetailSchema.parse(await (await get(`/api/instances/${instanceId}/tasks/${task.id}`)).json());
    expect(cached.task).toEqual(task);
    expect(calls).toBe(0);
    // outside every cached window (another app, empty cache): one ShowBackgroundTask
    const fresh = build();
    await fresh.request('/api/instances');
    calls = 0;
    const shown = taskDetailSchema.parse(
      await (await fresh.request(`/api/instances/${instanceId}/tasks/${task.id}`)).json(),
    );
    expect(shown.task.id).toBe(task.id);
    expect(calls).toBe(1);
    const unknown = await get(`/api/instances/${instanceId}/tasks/${'0'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('TASK_NOT_FOUND');
    sim.control.setBehaviour({ unknownTask: 'not-found' });
    const unknown404 = await get(`/api/instances/${instanceId}/tasks/${'1'.repeat(32)}`);
    expect(unknown404.status).toBe(404);
    const notFound = await errorOf(unknown404);
    expect(notFound.code).toBe('TASK_NOT_FOUND');
    expect(notFound.upstream?.errorCode).toMatch(/^DMS\./);
  });

  it('answers 400 naming the parameter, and 404 for an unknown instance', async () => {
    const base = `/api/instances/${id('dev-sandbox')}/tasks`;
    for (const [query, param] of [
      ['pageSize=5', 'pageSize'],
      ['status=RUNNING', 'status'],
      ['sort=params', 'sort'],
      ['from=2024-01-01T00:00:00Z', 'from'],
      ['from=2024-02-30T00:00:00Z&to=2024-03-01T00:00:00Z', 'from'],
      ['range=1y', 'range'],
      ['page=0', 'page'],
      ['order=up', 'order'],
    ] as const) {
      const res = await get(`${base}?${query}`);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).message, query).toContain(`"${param}"`);
    }
    const badId = await get('/api/instances/..%2F..%2Fv2/tasks');
    expect(badId.status).toBe(400);
    expect(await errorOf(badId)).toMatchObject({
      code: 'INVALID_INSTANCE_ID',
      message: expect.stringContaining('instanceId'),
    });
    const badTask = await get(`/api/instances/${id('dev-sandbox')}/tasks/ABC`);
    expect(await errorOf(badTask)).toMatchObject({
      code: 'INVALID_TASK_ID',
      message: expect.stringContaining('taskId'),
    });
    const unknown = await get('/api/instances/00000000-0000-0000-0000-000000000000/tasks');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('INSTANCE_NOT_FOUND');
  });

  it('maps upstream failures to 502 and 504 with what DMS said', async () => {
    const fresh = build();
    await fresh.request('/api/instances');
    sim.control.patchFaults({ errorRate: 1 });
    const failed = await fresh.request(`/api/instances/${id('prod-orders')}/tasks?range=1h`);
    expect(failed.status).toBe(502);
    const failure = await errorOf(failed);
    expect(failure.code).toBe('UPSTREAM_ERROR');
    const upstream = failure.upstream!;
    expect(upstream).toMatchObject({ status: 500, errorCode: 'DMS.00500000' });
    expect(upstream.requestId).toMatch(/^[0-9a-f]{32}$/);
    sim.control.setFaults({ hang: { ms: 5_000 } });
    const hung = await fresh.request(`/api/instances/${id('prod-orders')}/tasks?range=2h`);
    expect(hung.status).toBe(504);
    const timedOut = await errorOf(hung);
    expect(timedOut.code).toBe('UPSTREAM_TIMEOUT');
    // no answer came, so there is no upstream status or request id to show
    expect(timedOut.upstream).toBeUndefined();
  });

  it('answers 503 with Retry-After when the call budget cannot cover a window', async () => {
    const budget = createCallBudget({ ratePerMinute: 100, maxWaitMs: 0 });
    const poor = build({}, budget);
    await poor.request('/api/instances');
    await budget.reserve(95);
    calls = 0;
    const res = await poor.request(`/api/instances/${id('prod-orders')}/tasks?range=30d`);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const error = await errorOf(res);
    expect(error.code).toBe('UPSTREAM_BUDGET');
    expect(error.message).toMatch(/try again in \d+ s/);
    expect(calls).toBe(1);
  });

  it('holds task-detail reads to the budget: what does not fit is refused at once, and the list keeps its share', async () => {
    const budget = createCallBudget({ ratePerMinute: 20, maxWaitMs: 0 });
    const poor = build({}, budget);
    await poor.request('/api/instances');
    const instanceId = id('staging-events');
    // A closed window of finished tasks first, so there is something cached to answer from.
    const window = `from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 2 * 86_400_000).toISOString()}`;
    const list = taskListSchema.parse(
      await (await poor.request(`/api/instances/${instanceId}/tasks?${window}`)).json(),
    );
    const left = await budget.available();
    calls = 0;
    // Ids no window holds, so each one asks DMS.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        poor.request(`/api/instances/${instanceId}/tasks/${i.toString(16).padStart(32, '0')}`),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(left);
    expect(statuses.filter((s) => s === 503)).toHaveLength(60 - left);
    expect(answers.find((r) => r.status === 503)!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(calls).toBe(left);
    // The cached window still answers without a call.
    const again = await poor.request(`/api/instances/${instanceId}/tasks?${window}&sort=name`);
    expect(again.status).toBe(200);
    expect(taskListSchema.parse(await again.json()).total).toBe(list.total);
  });

  it('exports every matching task as CSV or JSON, named after instance and window', async () => {
    const instanceId = id('prod-payments');
    const query = 'range=30d&status=FAILED';
    const list = taskListSchema.parse(await (await get(`/api/instances/${instanceId}/tasks?${query}`)).json());
    const csv = await get(`/api/instances/${instanceId}/export?format=csv&${query}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="dms-tasks_prod-payments_${instanceId}_\\d{8}T\\d{6}Z-\\d{8}T\\d{6}Z\\.csv"$`),
    );
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines.length).toBe(1 + list.total);
    const json = (await (await get(`/api/instances/${instanceId}/export?format=json&${query}`)).json()) as {
      tasks: unknown[];
    };
    expect(json.tasks).toHaveLength(list.total);
    expect((await get(`/api/instances/${instanceId}/export?format=xml`)).status).toBe(400);
  });

  it('logs one JSON line per request with route, status, duration and upstream calls', async () => {
    logs.length = 0;
    const fresh = build();
    const res = await fresh.request(`/api/instances/${id('dev-sandbox')}/tasks?range=90d&q=secret-param`);
    const line = JSON.parse(logs.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      route: '/api/instances/:instanceId/tasks',
      status: 200,
      requestId: res.headers.get('x-request-id'),
    });
    expect(line.upstreamCalls).toBeGreaterThanOrEqual(2);
    expect(typeof line.durationMs).toBe('number');
    expect(logs.join('\n')).not.toContain('secret-param');
  });
});

describe('a safe server', () => {
  it('sends strict security headers on every answer, errors included', async () => {
    for (const path of ['/api/health', '/api/nope', '/api/instances/x/tasks', '/']) {
      const res = await get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('refuses to listen on a non-loopback HOST without access control', () => {
    expect(() => parseConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => parseConfig({ HOST: '0.0.0.0' })).toThrow(/^HOST: .*CONSOLE_TOKEN/);
    expect(parseConfig({ HOST: '0.0.0.0', CONSOLE_TOKEN: 'a-long-shared-secret-token' }).host).toBe('0.0.0.0');
    expect(parseConfig({ HOST: '0.0.0.0', CONSOLE_BASIC_AUTH: 'ops:a-long-pass-word-1' }).access.basic).toEqual({
      user: 'ops',
      pass: 'a-long-pass-word-1',
    });
    // a Basic password is as guessable as a token: the same 16-character floor
    expect(() => parseConfig({ HOST: '0.0.0.0', CONSOLE_BASIC_AUTH: 'ops:pass-word-123' })).toThrow(
      /^CONSOLE_BASIC_AUTH: .*16 characters/,
    );
    expect(parseConfig({}).host).toBe('127.0.0.1');
    expect(() => parseConfig({ CONSOLE_TOKEN: 'short' })).toThrow(/^CONSOLE_TOKEN/);
  });

  it('caches hashed assets for a year and revalidates index.html, deep links included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'export {};');
    const spa = build({ staticRoot: dir });
    const asset = await spa.request('/assets/app-1a2b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', `/instances/${id('dev-sandbox')}/tasks/${'a'.repeat(32)}`]) {
      const page = await spa.request(path);
      expect(page.status, path).toBe(200);
      expect(await page.text()).toContain('<!doctype html>');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    const missing = await spa.request('/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control') ?? '').not.toContain('immutable');
  });

  it("serves the build's brotli or gzip copy of a file to a browser that accepts it, and the file to one that does not", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    const html = '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>';
    const js = `export const rows = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `row ${i}`))};`;
    for (const [file, text] of [
      ['index.html', html],
      ['assets/app-1a2b.js', js],
    ] as const) {
      writeFileSync(join(dir, file), text);
      writeFileSync(join(dir, `${file}.br`), brotliCompressSync(text));
      writeFileSync(join(dir, `${file}.gz`), gzipSync(text));
    }
    const spa = build({ staticRoot: dir });
    for (const [path, text] of [
      ['/assets/app-1a2b.js', js],
      ['/', html],
      [`/instances/${id('dev-sandbox')}`, html],
    ] as const) {
      const chrome = await spa.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
      expect(chrome.headers.get('content-encoding'), path).toBe('br');
      expect(chrome.headers.get('vary'), path).toContain('Accept-Encoding');
      expect(brotliDecompressSync(Buffer.from(await chrome.arrayBuffer())).toString(), path).toBe(text);
      const gzipOnly = await spa.request(path, { headers: { 'accept-encoding': 'gzip' } });
      expect(gzipOnly.headers.get('content-encoding'), path).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gzipOnly.arrayBuffer())).toString(), path).toBe(text);
      const plain = await spa.request(path);
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      expect(await plain.text(), path).toBe(text);
    }
  });

  it('answers 421 to a Host it does not serve (DNS rebinding)', async () => {
    const guarded = build({ allowedHosts: ['console.example.org', 'ops.example.org:8443'] });
    const status = async (host: string) => (await guarded.request('/api/health', { headers: { host } })).status;
    expect(await status('evil.example.com')).toBe(421);
    expect(await status('evil.example.com:8787')).toBe(421);
    expect(await status('ops.example.org:8444')).toBe(421);
    expect(await status('localhost.evil.com')).toBe(421);
    expect(await status('127.0.0.1.evil.com:8787')).toBe(421);
    expect(await status('localhost:8787')).toBe(200);
    expect(await status('127.0.0.1:8787')).toBe(200);
    expect(await status('[::1]:8787')).toBe(200);
    expect(await status('console.example.org')).toBe(200);
    expect(await status('ops.example.org:8443')).toBe(200);
    // the Vite dev proxy forwards its own port
    expect(await status('127.0.0.1:5173')).toBe(200);
  });

  it('requires the token or basic login when access control is set, except for health', async () => {
    const locked = build({
      access: { token: 'a-long-shared-secret-token', basic: { user: 'ops', pass: 'a-long-pass-word-1' } },
    });
    const status = async (path: string, authorization?: string) =>
      (await locked.request(path, { headers: authorization ? { authorization } : {} })).status;
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(await status('/api/health')).toBe(200);
    const denied = await locked.request('/api/instances');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await status('/api/instances', 'Bearer wrong-token')).toBe(401);
    expect(await status('/api/instances', basic('ops:wrong'))).toBe(401);
    expect(await status('/api/instances', 'Bearer a-long-shared-secret-token')).toBe(200);
    expect(await status('/api/instances', basic('ops:a-long-pass-word-1'))).toBe(200);
    expect(await status('/api/instances', basic('ops:a-long-shared-secret-token'))).toBe(200);
    expect(await status('/api/instances', basic('ops'))).toBe(401);
    expect(await status('/api/instances', 'Bearer a-long-shared-secret-token trailing')).toBe(401);
    expect(await status('/api/instances', basic('anyone:a-long-shared-secret-token'))).toBe(200);
  });

  it('never answers 500 to anything a user can type (property)', async () => {
    const instanceIds = [id('dev-sandbox'), '00000000-0000-0000-0000-000000000000'];
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '0',
        '9',
        '-',
        ':',
        '.',
        ',',
        '%',
        '/',
        ' ',
        'é',
        '\u0000',
        '+',
        'T',
        '&',
        '=',
        '#',
        '?',
      ),
    });
    const value = fc.oneof(
      text,
      fc.constantFrom(
        '1h',
        '24h',
        '90d',
        '0h',
        '2024-01-01T00:00:00Z',
        'SUCCESS,FAILED',
        'createdAt',
        'asc',
        '10',
        '500',
        '-1',
        '1e9',
        '%ZZ',
        'csv',
        'json',
      ),
    );
    const key = fc.constantFrom(...TASK_EXPORT_QUERY_KEYS, 'x');
    const query = fc
      .array(fc.tuple(key, value, fc.boolean()), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v, encoded]) => `${k}=${encoded ? encodeURIComponent(v) : v}`).join('&'));
    const segment = fc.oneof(fc.constantFrom(...instanceIds, '..', '%2e%2e', '%ZZ', ''), text.map(encodeURIComponent));
    const path = fc.oneof(
      fc
        .tuple(segment, fc.constantFrom('tasks', 'export', 'tasks/0123456789abcdef0123456789abcdef', 'tasks/x'))
        .map(([s, rest]) => `/api/instances/${s}/${rest}`),
      fc.array(segment, { maxLength: 4 }).map((s) => `/api/${s.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        const res = await app.request(`${p}?${q}`);
        expect(res.status, `${p}?${q}`).toBeLessThan(500);
        if (res.status >= 400) expect(apiErrorSchema.safeParse(await res.json()).success).toBe(true);
        else await res.arrayBuffer();
      }),
      { numRuns: 300 },
    );
  });
});
