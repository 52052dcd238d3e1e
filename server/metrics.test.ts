import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from './simulator/control.ts';
import { credentialName } from './labels.ts';
import { FAKE_AK, type Harness, startHarness } from './reliability/harness.ts';

const TOKEN = 'metrics-console-token-0123456789';
const RATE = 40;
const auth = { authorization: `Bearer ${TOKEN}` };

/** Prometheus text: every sample as its name, labels and value. */
const samples = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
      );
      return { name: m[1]!, labels: labels as Record<string, string>, value: Number(m[3]) };
    });
type Sample = ReturnType<typeof samples>[number];
const value = (all: Sample[], name: string, labels: Record<string, string> = {}) =>
  all
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

const simRequests = async (h: Harness) =>
  ((await (await fetch(`${h.sim.url}/_simulator/requests`)).json()) as { requests: RequestLogEntry[] }).requests;

let h: Harness;
let scraped: string;
let all: Sample[];
let ids: string[];
beforeAll(async () => {
  h = await startHarness({
    CONSOLE_TOKEN: TOKEN,
    UPSTREAM_RATE_PER_MINUTE: String(RATE),
    // the most a budget of 40 a minute admits: 39 pages and the paging-learning call
    WINDOW_MAX_TASKS: '3900',
    WINDOW_CACHE_TTL_MS: '60000',
  });
  const small = h.instanceId('dev-sandbox');
  const busy = h.instanceId('prod-orders');
  const task = h.sim.data.tasks.get(small)![0]!;
  ids = [small, busy, task.id, task.name, h.sim.projectId];
  const get = (path: string) => h.send(path, { headers: auth });
  expect((await get('/api/instances')).status).toBe(200);
  // the same window twice: fetched, then a hit (a fixed one: a rolling range's key moves each second)
  const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const week = `from=${new Date(to.getTime() - 7 * 86_400_000).toISOString()}&to=${to.toISOString()}`;
  expect((await get(`/api/instances/${small}/tasks?${week}`)).status).toBe(200);
  expect((await get(`/api/instances/${small}/tasks?${week}&sort=name`)).status).toBe(200);
  expect((await get(`/api/instances/${small}/tasks/${task.id}`)).status).toBe(200);
  expect((await get(`/api/instances/${small}/tasks/${'f'.repeat(32)}`)).status).toBe(404);
  // 3,750 tasks of history: within WINDOW_MAX_TASKS, but more calls than the budget has left
  // after the calls above, so refused after its first page
  const held = h.sim.data.tasks.get(busy)!.filter((t) => Date.parse(t.created_at) < Date.now() - 3_600_000);
  const big = `from=${held[3_749]!.created_at}&to=${held[0]!.created_at}`;
  expect((await get(`/api/instances/${busy}/tasks?${big}`)).status).toBe(503);
  const res = await h.send('/metrics', { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  scraped = res.body;
  all = samples(scraped);
}, 60_000);
afterAll(() => h.close());

describe('/metrics', () => {
  it('is behind the access control', async () => {
    expect((await h.send('/metrics')).status).toBe(401);
  });

  it('times requests by route pattern and status, never by a path with ids', () => {
    const http = 'console_http_request_duration_seconds_count';
    expect(value(all, http, { route: '/api/instances/:instanceId/tasks', status: '200' })).toBe(2);
    expect(value(all, http, { route: '/api/instances/:instanceId/tasks', status: '503' })).toBe(1);
    expect(value(all, http, { route: '/api/instances/:instanceId/tasks/:taskId', status: '404' })).toBe(1);
    expect(value(all, http, { route: '/api/instances', status: '200' })).toBe(1);
    // no task data, id or key in any label or value
    for (const secret of ids) expect(scraped).not.toContain(secret);
    expect(h.leaks(scraped)).toEqual([]);
  });

  it('counts every upstream call by operation and outcome, as the simulator saw them, with latencies', async () => {
    const seen = await simRequests(h);
    for (const op of ['ListInstancesDetails', 'ListBackgroundTasks', 'ShowBackgroundTask']) {
      const n = seen.filter((r) => r.operation === op && r.status === 200).length;
      expect(n, op).toBeGreaterThan(0);
      expect(value(all, 'console_upstream_calls_total', { operation: op, outcome: 'ok' }), op).toBe(n);
      expect(value(all, 'console_upstream_call_duration_seconds_count', { operation: op }), op).toBe(n);
    }
    expect(value(all, 'console_upstream_calls_total')).toBe(seen.length);
  });

  it('shows the budget left and its refusals per credential, labelled by a hash of the key', async () => {
    const credential = credentialName(FAKE_AK);
    expect(credential).not.toContain(FAKE_AK.slice(0, 4));
    const calls = (await simRequests(h)).length;
    expect(value(all, 'console_budget_tokens_left', { credential })).toBe(RATE - calls);
    expect(value(all, 'console_budget_refusals_total', { credential })).toBe(1);
    expect(value(all, 'console_budget_waiting', { credential })).toBe(0);
    expect(all.some((s) => s.name === 'console_budget_waits_total' || s.name === 'console_budget_waiting')).toBe(true);
  });

  it('shows the window cache: bytes, entries, hits, misses and the refresh lag of what it served', () => {
    expect(value(all, 'console_window_cache_bytes')).toBeGreaterThan(1_000);
    expect(value(all, 'console_window_cache_entries')).toBeGreaterThanOrEqual(2);
    const hits = value(all, 'console_window_cache_hits_total');
    const misses = value(all, 'console_window_cache_misses_total');
    // the first list and the refused window missed; the sorted list and the task page hit
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(misses).toBe(2);
    expect(value(all, 'console_window_refresh_lag_seconds_count')).toBe(hits + misses - 1);
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own port without access control, and no longer on the main one', async () => {
    const own = await startHarness({ CONSOLE_TOKEN: TOKEN, METRICS_PORT: '0' });
    try {
      const port = own.console.metricsPort!;
      expect(port).toBeGreaterThan(0);
      expect((await own.send('/api/instances', { headers: auth })).status).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(value(samples(text), 'console_http_request_duration_seconds_count', { route: '/api/instances' })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/api/instances`)).status).toBe(404);
      expect((await own.send('/metrics', { headers: auth })).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});
