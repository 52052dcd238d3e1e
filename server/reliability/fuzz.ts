import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiErrorSchema } from '../../shared/api-error.ts';
import { TASK_EXPORT_QUERY_KEYS } from '../../shared/contract.ts';
import { type Harness, startHarness } from './harness.ts';

/** Only printable ASCII goes out raw (Node's client refuses the rest); everything else is %-encoded. */
const light = (s: string) => s.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch));

const units = [
  'a',
  'Z',
  '0',
  '9',
  '-',
  '_',
  '.',
  '~',
  ':',
  ',',
  '%',
  '/',
  ' ',
  '+',
  '&',
  '=',
  '#',
  ';',
  '"',
  "'",
  '<',
  '>',
  '\\',
  '\u0000',
  '\n',
  'é',
  'ß',
  '中',
  '😀',
  '\u202e',
  '\ufeff',
];
const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...units), maxLength });
const huge = fc
  .tuple(fc.constantFrom('a', '%', '..', 'é', '0', '/'), fc.integer({ min: 500, max: 2_000 }))
  .map(([s, n]) => s.repeat(n));
const nasty = fc.constantFrom(
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '..%2f..%2f..%2fv2',
  '%2F',
  '%2f..%2f',
  '%252e%252e',
  '%00',
  '%ZZ',
  '%',
  '',
  '//',
  '..\\..',
  'v2',
  '_simulator',
  '_simulator%2ffaults',
  'instances',
  '%u002e',
  '﹒﹒',
);

/** The routes, with valid, unknown and hostile ids in each slot. */
export const requestArbitrary = (ids: { instances: string[]; tasks: string[] }) => {
  const instanceId = fc.oneof(
    fc.constantFrom(...ids.instances, '00000000-0000-0000-0000-000000000000', ids.instances[0]!.toUpperCase()),
    nasty,
    text(40),
  );
  const taskId = fc.oneof(fc.constantFrom(...ids.tasks, 'f'.repeat(32), 'F'.repeat(32)), nasty, text(40));
  const segment = fc.oneof(nasty, text(20), huge);
  const encodeSegment = fc.constantFrom('encode', 'light', 'double');
  const enc = (s: string, how: string) =>
    how === 'encode' ? encodeURIComponent(s) : how === 'double' ? encodeURIComponent(encodeURIComponent(s)) : light(s);
  const path = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(instanceId, encodeSegment).map(([i, e]) => `/api/instances/${enc(i, e)}/tasks`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(instanceId, taskId, encodeSegment)
        .map(([i, t, e]) => `/api/instances/${enc(i, e)}/tasks/${enc(t, e)}`),
    },
    { weight: 3, arbitrary: fc.tuple(instanceId, encodeSegment).map(([i, e]) => `/api/instances/${enc(i, e)}/export`) },
    { weight: 1, arbitrary: fc.constantFrom('/api/health', '/api/instances', '/api/instances/', '/api', '/api/') },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.array(fc.tuple(segment, encodeSegment), { maxLength: 6 }), fc.constantFrom('/api/', '/'))
        .map(([parts, prefix]) => prefix + parts.map(([s, e]) => enc(s, e)).join('/')),
    },
  );
  const key = fc.oneof(
    fc.constantFrom(
      ...TASK_EXPORT_QUERY_KEYS,
      'start',
      'limit',
      'offset',
      'begin_time',
      'end_time',
      'engine',
      'project_id',
      'instanceId',
      '__proto__',
      'constructor',
    ),
    text(12),
  );
  const value = fc.oneof(
    fc.constantFrom(
      '1h',
      '24h',
      '7d',
      '15m',
      '0h',
      '-1d',
      '99999999d',
      '2024-01-01T00:00:00Z',
      new Date(Date.now() - 3_600_000).toISOString(),
      new Date().toISOString(),
      '2099-12-31T23:59:59+14:00',
      'SUCCESS,FAILED',
      'SUCCESS,,',
      'restartInstance',
      'createdAt',
      'durationMs',
      'asc',
      'desc',
      '1',
      '10',
      '500',
      '501',
      '-1',
      '1e9',
      '0x10',
      'NaN',
      'Infinity',
      'csv',
      'json',
      'xml',
      '../../v2',
      '%2F..%2F',
    ),
    text(60),
    huge,
  );
  const query = fc
    .array(fc.tuple(key, value, fc.constantFrom('encode', 'light', 'repeat')), { maxLength: 8 })
    .map((pairs) =>
      pairs
        .map(([k, v, how]) => {
          const pair =
            how === 'encode' ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${light(k)}=${light(v)}`;
          return how === 'repeat' ? `${pair}&${pair}` : pair;
        })
        .join('&'),
    );
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant('GET') },
    { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  );
  return fc.record({ method, path, query, hash: fc.boolean() }).map(({ method, path, query, hash }) => ({
    method,
    // Node refuses a request line over 16 KB itself (431, tested apart): stay under it
    target: `${path}${query || hash ? `?${query}` : ''}`.slice(0, 12_000),
  }));
};

const OPERATION_PATHS = (projectId: string, instances: string[]) => {
  const p = `/v2/${projectId}/instances`;
  const i = `(?:${instances.join('|')})`;
  return [
    new RegExp(`^${p}\\?engine=(?:rabbitmq|kafka|rocketmq)&offset=\\d+&limit=\\d+$`),
    new RegExp(`^${p}/${i}$`),
    // page 1 names no paging parameter; later pages `start` or `offset` (or both), as learned
    new RegExp(`^${p}/${i}/tasks\\?(?:start=\\d+&)?(?:offset=\\d+&)?limit=\\d+&begin_time=\\d{14}&end_time=\\d{14}$`),
    new RegExp(`^${p}/${i}/tasks/[0-9a-f]{32}$`),
  ];
};

export interface FuzzStats {
  sent: number;
  byStatus: Record<number, number>;
  upstreamCalls: number;
  upstreamByOperation: Record<string, number>;
}

/**
 * Sends `runs` random requests to the console; each must be answered 2xx/4xx with the error body
 * shape, and every call the simulator saw must be one of the DMS operations on a known instance.
 */
export const fuzzConsole = async (h: Harness, runs: number, seed?: number): Promise<FuzzStats> => {
  const instances = h.sim.data.instances.map((i) => i.instance_id);
  const tasks = instances.flatMap((id) => (h.sim.data.tasks.get(id) ?? []).slice(0, 2).map((t) => t.id));
  const allowed = OPERATION_PATHS(h.sim.projectId, instances);
  const stats: FuzzStats = { sent: 0, byStatus: {}, upstreamCalls: 0, upstreamByOperation: {} };
  const drain = () => {
    for (const r of h.sim.control.requests()) {
      stats.upstreamCalls++;
      stats.upstreamByOperation[r.operation ?? 'none'] = (stats.upstreamByOperation[r.operation ?? 'none'] ?? 0) + 1;
      expect(r.operation, r.path).not.toBeNull();
      expect(
        allowed.some((re) => re.test(r.path)),
        r.path,
      ).toBe(true);
    }
    h.sim.control.clearRequests();
  };
  h.sim.control.clearRequests();
  await fc.assert(
    fc.asyncProperty(requestArbitrary({ instances, tasks }), async ({ method, target }) => {
      const a = await h.send(target, { method });
      stats.sent++;
      stats.byStatus[a.status] = (stats.byStatus[a.status] ?? 0) + 1;
      const where = `${method} ${target.slice(0, 300)}`;
      expect(a.status, where).toBeGreaterThanOrEqual(200);
      expect(a.status, `${where}: ${a.body.slice(0, 300)}`).toBeLessThan(500);
      expect(a.status >= 300 && a.status < 400, where).toBe(false);
      // every answer, refusals included, went through the app's headers and request log
      expect(a.headers['content-security-policy'], where).toContain("script-src 'self'");
      expect(a.headers['x-request-id'], where).toMatch(/^[0-9a-f]{32}$/);
      if (a.status >= 400 && method !== 'HEAD')
        expect(apiErrorSchema.safeParse(JSON.parse(a.body)).success, `${where}: ${a.body.slice(0, 300)}`).toBe(true);
      // the log keeps the last 1,000 calls: read it long before it wraps
      if (stats.sent % 100 === 0) drain();
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true },
  );
  drain();
  return stats;
};

/**
 * The fuzz run as a test of its own console (fuzz.test.ts runs it short, stress/ long): what every
 * run must show, then nothing secret in any answer or log line. Returns the harness for more tests.
 */
export const fuzzTest = (runs: number, timeoutMs: number) => {
  let h: Harness;
  beforeAll(async () => {
    // windows stay cached for a minute, so the valid reads among the random ones cost few calls
    h = await startHarness({ WINDOW_CACHE_TTL_MS: '60000', DMS_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await h.close();
    expect(h.leaks(`${h.answers.join('\n')}\n${h.logs.join('\n')}`)).toEqual([]);
  });
  it(
    `${runs} random requests over every route: only 2xx/4xx with the error body, and only the DMS operations upstream`,
    async () => {
      const stats = await fuzzConsole(h, runs);
      expect(stats.sent).toBe(runs);
      // the run reached past validation too: some answers came from DMS data
      expect(stats.byStatus[200]).toBeGreaterThan(0);
      expect(stats.byStatus[400]).toBeGreaterThan(0);
      expect(stats.byStatus[404]).toBeGreaterThan(0);
      expect(stats.upstreamByOperation.ListBackgroundTasks).toBeGreaterThan(0);
      console.info(`fuzz: ${JSON.stringify(stats)}`);
    },
    timeoutMs,
  );
  return () => h;
};
