import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { FleetTaskList } from '../shared/fleet.ts';
import { startSimulator } from '../server/simulator/server.ts';
import { startConsoleProcess, TMP } from './console-process.ts';
import { type BenchResult, result } from './result.ts';
import { loadAgainst } from './warm-window.ts';

const FLEET = 200;
const LATENCY_MS = 50;
const RATE = 100;
const CONNECTIONS = 50;
const DURATION_S = 10;
const VIEWERS = 20;

/**
 * The fleet view at the size the issue names: 200 instances (three regions, two projects, every
 * engine) at 50 ms a call. With the default budget of 100 calls a minute: how soon the first rows
 * come, how long until every instance is read and with how many calls (about one an instance).
 * Then, read: a warm fleet sort/filter at 50 connections; and 20 viewers at once against one.
 */
export const run = async (): Promise<BenchResult[]> => {
  const sim = await startSimulator({ port: 0, fleet: FLEET, faults: { latencyMs: LATENCY_MS } });
  mkdirSync(TMP, { recursive: true });
  const file = join(TMP, 'fleet-targets.json');
  writeFileSync(
    file,
    JSON.stringify(sim.targets.map((t) => ({ projectId: t.projectId, region: t.region, endpoint: t.url }))),
  );
  const env = { DMS_TARGETS_FILE: file, CLOUD_SDK_AK: sim.ak, CLOUD_SDK_SK: sim.sk };
  const calls = () => sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks').length;
  const allCalls = () => sim.control.requests().filter((r) => r.operation !== null).length;
  const ask = async (base: string, query: string) => {
    const res = await fetch(`${base}/api/tasks?${query}`);
    if (!res.ok) throw new Error(`GET /api/tasks?${query}: ${res.status}`);
    return (await res.json()) as FleetTaskList;
  };
  const out: BenchResult[] = [];
  try {
    // 1. the default budget: first rows, then the whole fleet
    const budgeted = await startConsoleProcess('fleet', { ...env, UPSTREAM_RATE_PER_MINUTE: String(RATE) });
    try {
      sim.control.clearRequests();
      const t0 = performance.now();
      let first = await ask(budgeted.url, 'range=24h');
      while (first.tasks.length === 0) {
        await new Promise((r) => setTimeout(r, 100));
        first = await ask(budgeted.url, 'range=24h');
      }
      const firstMs = performance.now() - t0;
      let body = first;
      while (body.coverage.read + body.coverage.failed.length < FLEET) {
        await new Promise((r) => setTimeout(r, 1_000));
        body = await ask(budgeted.url, 'range=24h');
      }
      const coverageMs = performance.now() - t0;
      const windowCalls = calls();
      const total = allCalls();
      // what the budget allows: every call it took, at RATE a minute, the first minute free
      const allowedMs = Math.max(0, Math.ceil(total / RATE) - 1) * 60_000 + 60_000;
      out.push(
        result({
          name: 'fleet',
          metric: `first rows, ${FLEET} instances, ${LATENCY_MS} ms/call, ${RATE}/min budget`,
          value: firstMs,
          unit: 'ms',
          baseline: null,
          budget: 2_000,
        }),
        result({
          name: 'fleet',
          metric: `all ${FLEET} instances read (24 h), ${RATE}/min budget (${body.coverage.failed.length} failed)`,
          value: coverageMs,
          unit: 'ms',
          baseline: allowedMs,
          baselineNote: `what ${total} calls take at ${RATE} a minute`,
          budget: allowedMs + 30_000,
        }),
        result({
          name: 'fleet',
          metric: `ListBackgroundTasks calls to read ${FLEET} instances (all calls: ${total}, with listings and paging)`,
          value: windowCalls,
          unit: 'calls',
          baseline: FLEET,
          baselineNote: 'one call an instance',
          budget: Math.ceil(FLEET * 1.1),
        }),
      );
    } finally {
      await budgeted.stop();
    }

    // 2. unthrottled, so the read is measured and not the budget: warm sort/filter, and viewers
    const open = await startConsoleProcess('fleet-open', { ...env, UPSTREAM_RATE_PER_MINUTE: '100000' });
    try {
      const to = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      const windowOf = (hoursBack: number) =>
        `from=${new Date(to - hoursBack * 3_600_000 - 24 * 3_600_000).toISOString()}&to=${new Date(to - hoursBack * 3_600_000).toISOString()}`;
      const complete = async (query: string, viewers: number) => {
        sim.control.clearRequests();
        const done = await Promise.all(
          Array.from({ length: viewers }, async () => {
            let b = await ask(open.url, query);
            while (b.coverage.pending.count > 0) {
              await new Promise((r) => setTimeout(r, 500));
              b = await ask(open.url, query);
            }
            return b;
          }),
        );
        return { calls: calls(), total: done[0]!.total };
      };
      const one = await complete(windowOf(1), 1);
      const many = await complete(windowOf(2), VIEWERS);
      out.push(
        result({
          name: 'fleet',
          metric: `ListBackgroundTasks calls, ${VIEWERS} viewers of one fleet window at once`,
          value: many.calls,
          unit: 'calls',
          baseline: one.calls,
          baselineNote: 'one viewer, a window of the same span',
          budget: Math.ceil(one.calls * 1.05),
        }),
      );
      const warm = windowOf(2);
      const paths = [
        `/api/tasks?${warm}`,
        `/api/tasks?${warm}&sort=name&order=asc`,
        `/api/tasks?${warm}&status=FAILED`,
        `/api/tasks?${warm}&sort=durationMs&page=2`,
        `/api/tasks?${warm}&q=restart`,
      ];
      // each query once, so the runs measure answers from the read, not the first sort
      for (const p of paths) await fetch(`${open.url}${p}`);
      const r = await loadAgainst(
        open.url,
        paths.map((path) => ({ path })),
        CONNECTIONS,
        DURATION_S,
      );
      // the same queries on one instance's list, same server, same run: what this machine gives now
      const busiest = sim.data.store.seeded.instances.find((x) => x.plan.livePerMinute > 0)!.instance.instance_id;
      const single = paths.map((p) => p.replace('/api/tasks?', `/api/instances/${busiest}/tasks?`));
      for (const p of single) await fetch(`${open.url}${p}`);
      const one1 = await loadAgainst(
        open.url,
        single.map((path) => ({ path })),
        CONNECTIONS,
        DURATION_S,
      );
      out.push(
        result({
          name: 'fleet',
          metric: `warm fleet sort/filter p99 (${CONNECTIONS} conn, ${many.total} tasks, ${FLEET} instances)`,
          value: r.latency.p99,
          unit: 'ms',
          baseline: one1.latency.p99,
          baselineNote: `the same queries on one instance's list, same server and run (load ${loadavg()[0]!.toFixed(1)})`,
          budget: 30,
        }),
      );
    } finally {
      await open.stop();
    }
  } finally {
    await sim.close();
  }
  return out;
};
