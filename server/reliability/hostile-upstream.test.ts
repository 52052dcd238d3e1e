import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api-error.ts';
import { parseConfig } from '../config.ts';
import { startConsole } from '../start.ts';

/**
 * The console against a small fake upstream that misbehaves on purpose (issue 11, item 8):
 * it signs nothing and checks nothing, it only answers the way a broken DMS or proxy might.
 */
const PROJECT = '0123456789abcdef0123456789abcdef';
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

const fakeUpstream = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    received.push(req.url ?? '');
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
};

const consoleFor = async (endpoint: string, env: Record<string, string> = {}) => {
  const logs: string[] = [];
  const running = await startConsole(
    parseConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      CLOUD_SDK_AK: 'HOSTILETESTAK0000000',
      CLOUD_SDK_SK: 'hostile-test-secret-key-0123456789',
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
      DMS_ENDPOINT: endpoint,
      DMS_TIMEOUT_MS: '20000',
      ...env,
    }),
    { log: (line) => logs.push(line) },
  );
  stops.push(() => running.close());
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${running.port}${path}`);
    return { status: res.status, body: (await res.json().catch(() => null)) as ApiError | null };
  };
  return { get, logs };
};

describe('an upstream body has a byte cap (DMS_MAX_BODY_MB)', () => {
  it('an endless body ends in one 502 UPSTREAM_BAD_ANSWER, read no further than the cap, not retried', async () => {
    let sent = 0;
    const upstream = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"instance_num":1,"instances":[{"name":"');
      const chunk = 'x'.repeat(64 * 1024);
      // writes as fast as the reader drains, until the console hangs up
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const c = await consoleFor(upstream.url, { DMS_MAX_BODY_MB: '2' });
    const rssBefore = process.memoryUsage().rss;
    const answer = await c.get('/api/instances');
    expect(answer.status).toBe(502);
    expect(answer.body?.error).toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    expect(answer.body?.error.message).toMatch(/larger than 2 MB \(DMS_MAX_BODY_MB\)/);
    // never retried: the same request would only send the same flood again
    expect(upstream.received).toHaveLength(1);
    // the console stopped reading near the cap (socket buffers aside), so memory stayed put
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('a declared Content-Length over the cap is refused before reading', async () => {
    const upstream = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(5 * 1024 * 1024) });
      res.write('{');
    });
    const c = await consoleFor(upstream.url, { DMS_MAX_BODY_MB: '1' });
    const answer = await c.get('/api/instances');
    expect(answer.status).toBe(502);
    expect(answer.body?.error.code).toBe('UPSTREAM_BAD_ANSWER');
  });
});
