import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../shared/api-error.ts';
import { type Harness, json, startHarness } from './harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'reliability-console-token-0123456789';

/** Every kind of route the server answers: API, errors, the SPA's paths and assets. */
const routesOf = (h: Harness) => {
  const instanceId = h.instanceId('dev-sandbox');
  const taskId = h.sim.data.tasks.get(instanceId)![0]!.id;
  return [
    '/api/instances',
    `/api/instances/${instanceId}/tasks?range=30d`,
    `/api/instances/${instanceId}/tasks/${taskId}`,
    `/api/instances/${instanceId}/export?format=csv&range=30d`,
    `/api/instances/${instanceId}/export?format=json&range=30d`,
    '/api/instances/not-an-id/tasks',
    '/api/nothing',
    '/',
    `/instances/${instanceId}`,
    '/assets/missing.js',
  ];
};

let open: Harness;
let locked: Harness;
beforeAll(async () => {
  open = await startHarness();
  // a non-loopback bind is accepted once access control is on
  locked = await startHarness({ HOST: '0.0.0.0', CONSOLE_TOKEN: TOKEN });
});
afterAll(async () => {
  await open.close();
  await locked.close();
});

describe('exposure', () => {
  it('refuses a foreign Host on every route with 421 and the error body', async () => {
    for (const path of ['/api/health', '/api/ready', ...routesOf(open)]) {
      for (const host of ['evil.example.com', `evil.example.com:${open.console.port}`, 'localhost.evil.com']) {
        const a = await open.send(path, { headers: { host } });
        expect(a.status, `${host} ${path}`).toBe(421);
        expect(apiErrorSchema.parse(json(a)).error.code).toBe('MISDIRECTED_REQUEST');
      }
      expect((await open.send(path, { headers: { host: `localhost:${open.console.port}` } })).status).not.toBe(421);
    }
  });

  it('refuses to start on a non-loopback address without access control, naming HOST', async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(CLOUD_SDK_|HUAWEICLOUD_|DMS_|CONSOLE_)/.test(k)),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...env, HOST: '0.0.0.0', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(out).toMatch(/HOST: 0\.0\.0\.0 is not a loopback address; set CONSOLE_TOKEN or CONSOLE_BASIC_AUTH/);
    expect(out).not.toMatch(/listening on http/);
  }, 30_000);

  it('with access control on, every route but health and ready needs the token (and takes it)', async () => {
    expect((await locked.send('/api/health')).status).toBe(200);
    expect((await locked.send('/api/ready')).status).toBe(200);
    for (const path of routesOf(locked)) {
      const denied = await locked.send(path);
      expect(denied.status, path).toBe(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Basic/);
      expect(apiErrorSchema.parse(json(denied)).error.code).toBe('UNAUTHORIZED');
      expect(
        (await locked.send(path, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status,
      ).toBe(401);
      const allowed = await locked.send(path, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(allowed.status, path).not.toBe(401);
      expect(allowed.status, path).toBeLessThan(500);
    }
  });

  it('with access control off (loopback only), the same routes answer without a token', async () => {
    for (const path of routesOf(open)) {
      const a = await open.send(path);
      expect(a.status, path).not.toBe(401);
      expect(a.status, path).toBeLessThan(500);
    }
    expect((await open.send(`/api/instances/${open.instanceId('dev-sandbox')}/tasks?range=30d`)).status).toBe(200);
  });
});
