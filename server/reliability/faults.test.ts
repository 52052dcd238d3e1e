import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, type ApiError } from '../../shared/api-error.ts';
import type { ApiErrorCode } from '../../shared/error-codes.ts';
import { taskListSchema } from '../../shared/task.ts';
import type { FaultsInput } from '../simulator/faults.ts';
import { type Answer, FAKE_AK, type Harness, json, startHarness } from './harness.ts';

// The console runs with DMS_TIMEOUT_MS=1000 (eight pages in flight share one loaded process with
// the simulator) and DMS_MAX_ATTEMPTS=3 (harness.ts), so the worst a read
// may take is 3 attempts × 1 s plus the backoff between them (≤ 250 + 500 ms) or Retry-After.
const TIMEOUT_MS = 1_000;
const ATTEMPTS = 3;
const BACKOFF_MS = 250 + 500;
const SLACK_MS = 1_500;

let h: Harness;
let instanceId: string;
let window: string;
let baseline: { total: number; statuses: Record<string, number> };
let taskId: string;

beforeAll(async () => {
  h = await startHarness({ DMS_TIMEOUT_MS: String(TIMEOUT_MS) });
  // prod-orders: about 1,200 tasks in 7 days, so a window is 13 pages of 100
  instanceId = h.instanceId('prod-orders');
  const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  window = `from=${new Date(to.getTime() - 7 * 86_400_000).toISOString()}&to=${to.toISOString()}`;
  const first = await h.send(`/api/instances/${instanceId}/tasks?${window}&pageSize=10`);
  expect(first.status).toBe(200);
  const list = taskListSchema.parse(json(first));
  expect(list.total).toBeGreaterThan(1000);
  baseline = { total: list.total, statuses: list.facets.status };
  taskId = list.tasks[0]!.id;
  // warm the instance directory (cached 30 s), so each case below reaches the task operations
  expect((await h.send('/api/instances')).status).toBe(200);
});

afterAll(async () => {
  await h.close();
  // faults or not, no answer and no log line of this run carries a credential
  expect(h.leaks(`${h.answers.join('\n')}\n${h.logs.join('\n')}`)).toEqual([]);
});

/** A cold read: the window cache is dropped so the request has to reach DMS. */
const cold = async (path: string, headers?: Record<string, string>) => {
  h.console.windows.clear();
  return h.send(path, { headers });
};
/** The instance list is cached for 30 s: refreshed before a fault, so the fault meets the task operations. */
const warmDirectory = async () => expect((await h.send('/api/instances')).status).toBe(200);
const listPath = () => `/api/instances/${instanceId}/tasks?${window}&pageSize=10`;
const routes = () => [
  listPath(),
  `/api/instances/${instanceId}/export?format=json&${window}`,
  `/api/instances/${instanceId}/tasks/${taskId}`,
];
const errorOf = (a: Answer): ApiError['error'] => apiErrorSchema.parse(json(a)).error;

/**
 * After the fault is cleared the same console answers in full again, with no restart. The reads
 * are the SPA's Retry (Cache-Control: no-cache): when the 30 s instance listing ran out during
 * the fault (a slow run), its failure is remembered 5 s for plain requests, not for a retry.
 */
const expectRecovered = async () => {
  h.sim.control.setFaults({});
  for (const path of routes()) {
    const a = await cold(path, { 'cache-control': 'no-cache' });
    expect(a.status, `${path}: ${a.body}`).toBe(200);
  }
  const list = taskListSchema.parse(json(await cold(listPath())));
  expect(list.total).toBe(baseline.total);
  expect(list.facets.status).toEqual(baseline.statuses);
};

interface Case {
  name: string;
  faults: () => FaultsInput;
  status: number;
  code: ApiErrorCode;
  /** What DMS answered; undefined when no answer came. */
  upstream: { status: number; errorCode: string | null } | undefined;
  /** The upper bound on the answer time beyond the attempts' timeouts. */
  extraMs?: number;
  check?: (a: Answer, e: ApiError['error']) => void;
}

const cases: Case[] = [
  {
    name: '429 bursts with Retry-After',
    faults: () => ({ throttleBurst: { count: 1_000, retryAfterSeconds: 1 } }),
    status: 503,
    code: 'UPSTREAM_THROTTLED',
    upstream: { status: 429, errorCode: 'APIGW.0308' },
    extraMs: (ATTEMPTS - 1) * 1_000,
    check: (a) => expect(a.headers['retry-after']).toBe('1'),
  },
  {
    name: '429 bursts without Retry-After',
    faults: () => ({ throttleBurst: { count: 1_000, retryAfterSeconds: null } }),
    status: 503,
    code: 'UPSTREAM_THROTTLED',
    upstream: { status: 429, errorCode: 'APIGW.0308' },
    check: (a) => expect(a.headers['retry-after']).toBeUndefined(),
  },
  {
    name: 'answers slower than the timeout',
    faults: () => ({ hang: { ms: 30_000 } }),
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    upstream: undefined,
    check: (_a, e) => expect(e.message).toMatch(`did not answer within ${TIMEOUT_MS} ms`),
  },
  {
    name: 'truncated bodies',
    faults: () => ({ badBody: { kind: 'truncated' } }),
    status: 502,
    code: 'UPSTREAM_BAD_ANSWER',
    upstream: { status: 200, errorCode: null },
    check: (_a, e) => expect(e.message).toMatch(/not the documented shape/),
  },
  {
    name: 'non-JSON bodies',
    faults: () => ({ badBody: { kind: 'non-json' } }),
    status: 502,
    code: 'UPSTREAM_BAD_ANSWER',
    upstream: { status: 200, errorCode: null },
    check: (_a, e) => expect(e.message).toMatch(/not the documented shape \(not JSON\)/),
  },
  ...[16, -16, 90].map((minutes): Case => ({
    name: `a gateway clock ${minutes} minutes off`,
    faults: () => ({ clockSkewMs: minutes * 60_000 }),
    status: 502,
    code: 'UPSTREAM_CLOCK_SKEW',
    upstream: { status: 401, errorCode: 'APIGW.0301' },
    check: (_a, e) => {
      // the message names both clocks, and they are as far apart as the gateway's is off
      const [ours, theirs] = [...e.message.matchAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g)].map((m) => Date.parse(m[0]));
      expect(ours, e.message).toBeDefined();
      expect(theirs, e.message).toBeDefined();
      expect(Math.abs(theirs! - ours! - minutes * 60_000)).toBeLessThan(5_000);
      expect(e.message).toMatch(/clock/);
    },
  })),
  {
    name: 'revoked credentials',
    faults: () => ({ revokedAks: [FAKE_AK] }),
    status: 502,
    code: 'UPSTREAM_AUTH',
    upstream: { status: 401, errorCode: 'APIGW.0301' },
    check: (_a, e) => expect(e.upstream?.errorMsg).toMatch(/ak not exist/),
  },
  {
    name: '500s on every call',
    faults: () => ({ errorRate: 1 }),
    status: 502,
    code: 'UPSTREAM_ERROR',
    upstream: { status: 500, errorCode: 'DMS.00500000' },
  },
];

describe('upstream faults', () => {
  for (const c of cases) {
    it(`${c.name}: the documented error, in bounded time, then recovery without a restart`, async () => {
      await warmDirectory();
      h.sim.control.setFaults(c.faults());
      const bound = ATTEMPTS * TIMEOUT_MS + BACKOFF_MS + (c.extraMs ?? 0) + SLACK_MS;
      for (const path of routes()) {
        const a = await cold(path);
        expect(a.status, `${path}: ${a.body}`).toBe(c.status);
        expect(a.ms, path).toBeLessThan(bound);
        const e = errorOf(a);
        expect(e.code).toBe(c.code);
        if (c.upstream) {
          expect(e.upstream).toMatchObject(c.upstream);
          expect(e.upstream?.requestId).toMatch(/^[0-9a-f]{32}$/);
        } else expect(e.upstream).toBeUndefined();
        expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
        c.check?.(a, e);
      }
      await expectRecovered();
    }, 30_000);
  }

  it('500s at a 30% rate: every answer is complete or a 502, never a window with a page missing', async () => {
    await warmDirectory();
    h.sim.control.setFaults({ errorRate: 0.3, operations: ['ListBackgroundTasks'] });
    const outcomes = { ok: 0, failed: 0 };
    for (let i = 0; i < 15; i++) {
      const a = await cold(listPath());
      if (a.status === 200) {
        outcomes.ok++;
        const list = taskListSchema.parse(json(a));
        expect(list.total).toBe(baseline.total);
        expect(list.facets.status).toEqual(baseline.statuses);
      } else {
        outcomes.failed++;
        expect(a.status, a.body).toBe(502);
        expect(errorOf(a).upstream).toMatchObject({ status: 500, errorCode: 'DMS.00500000' });
      }
      // 13 pages, 4 in flight, each page up to 3 fast attempts with backoff
      expect(a.ms).toBeLessThan(4 * (ATTEMPTS * TIMEOUT_MS + BACKOFF_MS) + SLACK_MS);
    }
    // with 3 attempts a page fails 2.7% of the time: both outcomes show up over 15 windows
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.failed + outcomes.ok).toBe(15);
    await expectRecovered();
  }, 60_000);

  it('a later page that fails fails the whole window, which is not cached: the next read is whole', async () => {
    h.sim.control.setFaults({ latencyMs: 100, operations: ['ListBackgroundTasks'] });
    h.sim.control.clearRequests();
    const pending = cold(listPath());
    // once the first page has been answered, every later page gets a body that is not JSON
    while (!h.sim.control.requests().some((r) => r.operation === 'ListBackgroundTasks'))
      await new Promise((r) => setTimeout(r, 5));
    h.sim.control.patchFaults({ badBody: { kind: 'non-json' } });
    const failed = await pending;
    expect(failed.status, failed.body).toBe(502);
    expect(errorOf(failed).message).toMatch(/not the documented shape/);
    const pages = h.sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks');
    // page 1 names no paging parameter (it is page 1 whichever DMS honours); later pages do
    expect(pages[0]!.path).not.toMatch(/[?&](start|offset)=/);
    expect(pages.some((r) => /[?&](start|offset)=/.test(r.path))).toBe(true);
    // no restart, no cache clearing: the very next request reads the window again, whole
    h.sim.control.setFaults({});
    const again = await h.send(listPath());
    expect(again.status).toBe(200);
    expect(taskListSchema.parse(json(again)).total).toBe(baseline.total);
  }, 20_000);

  it('honours Retry-After: a burst shorter than the attempts is waited out and answered in full', async () => {
    h.sim.control.setFaults({ throttleBurst: { count: 2, retryAfterSeconds: 1 } });
    const a = await cold(listPath());
    expect(a.status).toBe(200);
    expect(a.ms).toBeGreaterThanOrEqual(2 * 1_000 - 50);
    expect(taskListSchema.parse(json(a)).total).toBe(baseline.total);
  }, 20_000);

  it('wires DMS_MAX_ATTEMPTS: a 500 on every call costs exactly that many attempts', async () => {
    await warmDirectory();
    h.sim.control.setFaults({ errorRate: 1, operations: ['ShowBackgroundTask'] });
    h.sim.control.clearRequests();
    const a = await cold(`/api/instances/${instanceId}/tasks/${taskId}`);
    expect(a.status).toBe(502);
    expect(h.sim.control.requests().filter((r) => r.operation === 'ShowBackgroundTask')).toHaveLength(ATTEMPTS);
    h.sim.control.setFaults({});
  });
});
