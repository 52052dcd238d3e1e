import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { batchedSink } from './log.ts';
import { startConsole } from './start.ts';

type Running = Awaited<ReturnType<typeof startConsole>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A console in simulator mode over real sockets, its log lines captured. */
const start = async () => {
  const lines: Record<string, unknown>[] = [];
  running = await startConsole(parseConfig({ PORT: '0', DMS_MAX_ATTEMPTS: '1' }), {
    log: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { console: running, sim: running.simulator!, requests: () => lines.filter((l) => l.msg === 'request') };
};

/** `path` goes on the wire as written (in a URL string, backslashes would become slashes). */
const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(base);
    httpRequest({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });

/** Resolves once `check` holds; a gate on state, not on how fast the machine is. */
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

describe('request log', () => {
  it('logs a client that disconnects mid-call as 499 on its own route, with the upstream calls it made', async () => {
    const { console: app, sim, requests } = await start();
    const instanceId = sim.data.instances[0]!.instance_id;
    sim.control.setFaults({ hang: { ms: 60_000, count: 1 }, operations: ['ShowBackgroundTask'] });
    const req = httpRequest(`${app.url}/api/instances/${instanceId}/tasks/${'a'.repeat(32)}`);
    req.on('error', () => {});
    req.end();
    // the hang is taken when DMS has the call: the client leaves while the console waits for it
    await until(() => sim.control.faults().hang === null);
    req.destroy();
    await until(() => requests().length > 0);
    expect(requests()).toEqual([
      expect.objectContaining({
        level: 'info',
        route: '/api/instances/:instanceId/tasks/:taskId',
        status: 499,
        // the instance listings that found the instance (one an engine), and the task read the client left behind
        upstreamCalls: 4,
        requestId: expect.stringMatching(/^[\w-]{16,}$/),
      }),
    ]);
  });

  it('logs an upstream failure with its request id, the one the answer carries', async () => {
    const { console: app, sim, requests } = await start();
    sim.control.setFaults({ badBody: { kind: 'non-json' }, operations: ['ListInstancesDetails'] });
    const res = await get(app.url, '/api/instances');
    expect(res.status).toBe(502);
    const [line] = requests();
    expect(line).toMatchObject({
      level: 'error',
      route: '/api/instances',
      status: 502,
      requestId: res.headers['x-request-id'],
      error: { name: 'UpstreamError', message: expect.stringContaining('ListInstancesDetails') },
    });
    expect(line).not.toHaveProperty('error.stack');
  });

  it("keeps a reverse proxy's X-Request-Id, and replaces one that could forge a log line", async () => {
    const { console: app, requests } = await start();
    const kept = await get(app.url, '/api/health', { 'x-request-id': 'proxy-7f3a-01' });
    expect(kept.headers['x-request-id']).toBe('proxy-7f3a-01');
    const forged = await get(app.url, '/api/health', { 'x-request-id': 'x" "level":"info' });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(requests().map((l) => l.requestId)).toEqual(['proxy-7f3a-01', forged.headers['x-request-id']]);
  });

  it('logs what the adapter refuses before the app runs, with a request id', async () => {
    const { console: app, requests } = await start();
    const res = await get(app.url, '/api\\instances');
    expect(res.status).toBe(400);
    expect(requests()).toEqual([
      expect.objectContaining({ status: 400, route: '/bad-target', requestId: res.headers['x-request-id'] }),
    ]);
  });
});

describe('the batched log sink', () => {
  it("writes one turn's lines together, after the turn, in order", async () => {
    const writes: string[] = [];
    const sink = batchedSink((chunk) => writes.push(chunk));
    sink('a');
    sink('b');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    sink('c');
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when a turn holds 64 KB', () => {
    const writes: string[] = [];
    const sink = batchedSink((chunk) => writes.push(chunk));
    const line = 'x'.repeat(1023);
    for (let i = 0; i < 64; i++) sink(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe(`${line}\n`.repeat(64));
  });

  // The lines of the last turn are written however the process ends, short of a kill.
  it.each([
    ['process.exit(3)', 3],
    ["throw new Error('boom')", 1],
    ["void Promise.reject(new Error('boom'))", 1],
    ['', 0],
  ])(
    'keeps every line when the process ends with `%s`',
    async (ending, code) => {
      const script = `const { stdoutSink, writeLog } = await import('./server/log.ts');
      for (let i = 0; i < 3; i++) writeLog(stdoutSink, { msg: 'line ' + i });
      ${ending};`;
      const { stdout, exitCode } = await new Promise<{ stdout: string; exitCode: number | null }>((resolve) => {
        const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (_e, out) =>
          resolve({ stdout: out, exitCode: child.exitCode }),
        );
      });
      expect(exitCode).toBe(code);
      expect(
        stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { msg: string }).msg),
      ).toEqual(['line 0', 'line 1', 'line 2']);
      // a node process with tsx takes seconds to start on a loaded machine
    },
    30_000,
  );
});
