import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { describe, expect, it } from 'vitest';
import { startConsoleProcess } from '../bench/console-process.ts';

const CONNECTIONS = 200;
const DURATION_S = Number(process.env.STRESS_DURATION_S ?? 60);
const MB = 1024 * 1024;
const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** RSS of a process as the kernel counts it (what an operator's `top` shows). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('load', () => {
  it(`${CONNECTIONS} connections for ${DURATION_S} s on mixed routes: no errors, p99 and RSS reported`, async () => {
    // `npm start` as shipped: simulator mode, default budgets and cache, the built SPA when present
    const server = await startConsoleProcess('stress-load', {
      ...(existsSync(dist) ? { BENCH_STATIC_ROOT: dist } : {}),
    });
    try {
      const get = async <T>(path: string) => (await (await fetch(`${server.url}${path}`)).json()) as T;
      const { instances } = await get<{ instances: { id: string; name: string }[] }>('/api/instances');
      const id = (name: string) => instances.find((i) => i.name === name)!.id;
      const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
      const fixed = (days: number) =>
        `from=${new Date(to.getTime() - days * 86_400_000).toISOString()}&to=${to.toISOString()}`;
      const orders = `/api/instances/${id('prod-orders')}`;
      const payments = `/api/instances/${id('prod-payments')}`;
      const { tasks } = await get<{ tasks: { id: string }[] }>(`${payments}/tasks?${fixed(30)}`);
      const paths = [
        '/api/health',
        '/api/instances',
        `${orders}/tasks?${fixed(7)}`,
        `${orders}/tasks?${fixed(7)}&status=FAILED&sort=durationMs&order=asc&page=2&pageSize=20`,
        `${orders}/tasks?${fixed(7)}&q=restart&pageSize=100`,
        `${payments}/tasks?${fixed(30)}&sort=name`,
        `${payments}/tasks?range=24h`,
        `/api/instances/${id('dev-sandbox')}/tasks?range=7d`,
        `${payments}/tasks/${tasks[0]!.id}`,
        `${payments}/tasks/${tasks[5]!.id}`,
        `${payments}/export?format=json&${fixed(30)}&status=FAILED`,
        `/api/instances/${id('staging-events')}/export?format=csv&${fixed(7)}`,
        ...(existsSync(dist) ? ['/', `/instances/${id('prod-orders')}`] : []),
      ];
      // warm: every route answers 200 before the clock starts
      for (const p of paths) {
        const res = await fetch(`${server.url}${p}`);
        await res.arrayBuffer();
        expect(res.status, p).toBe(200);
      }
      const rssStart = rssOf(server.pid);
      let rssPeak = rssStart;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(server.pid))), 1_000);
      const r = await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: paths.map((path) => ({ path })),
      });
      clearInterval(sampler);
      const rssEnd = rssOf(server.pid);
      const figures = {
        connections: CONNECTIONS,
        durationS: DURATION_S,
        requests: r.requests.total,
        reqPerS: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        rssStartMb: Math.round(rssStart / MB),
        rssPeakMb: Math.round(rssPeak / MB),
        rssEndMb: Math.round(rssEnd / MB),
      };
      console.info(`load: ${JSON.stringify(figures)}`);
      expect(r.errors).toBe(0);
      expect(r.timeouts).toBe(0);
      expect(r.non2xx).toBe(0);
      expect(r.requests.total).toBeGreaterThan(DURATION_S * 100);
      // memory: bounded growth over the run, and a plain ceiling
      expect(rssEnd - rssStart).toBeLessThan(200 * MB);
      expect(rssPeak).toBeLessThan(768 * MB);
    } finally {
      await server.stop();
    }
  }, 300_000);
});
