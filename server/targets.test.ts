import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../shared/api-error.ts';
import type { Diagnostics } from '../shared/diagnostics.ts';
import { instanceListSchema } from '../shared/instance.ts';
import { taskListSchema } from '../shared/task.ts';
import { parseConfig } from './config.ts';
import type { Readiness } from './routes/ready.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';
import { freePort } from './reliability/spawn-console.ts';
import { startConsole } from './start.ts';

const AK = 'TARGETSAK00000000001';
const SK = 'targets-secret-key-never-shown-0123456789';
const TOKEN = 'targets-console-token-0123456789';
const authed = (url: string) => fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });

interface Target {
  projectId: string;
  region: string;
  endpoint: string;
}
/** The console (start.ts, as main.ts runs it) with its targets in a DMS_TARGETS_FILE. */
const startWithTargets = (targets: Target[], env: Record<string, string>) => {
  const file = join(mkdtempSync(join(tmpdir(), 'targets-')), 'targets.json');
  writeFileSync(file, JSON.stringify(targets));
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    CLOUD_SDK_AK: AK,
    CLOUD_SDK_SK: SK,
    DMS_TARGETS_FILE: file,
    ...env,
  });
  return startConsole(config, { log: () => {} });
};

let healthy: RunningSimulator;
let wrongKey: RunningSimulator;
let consoleUrl: string;
let dead: string;
let close: () => Promise<void>;

beforeAll(async () => {
  healthy = await startSimulator({ ak: AK, sk: SK });
  // knows our AK under another secret: every signature we make is refused
  wrongKey = await startSimulator({ ak: AK, sk: 'a-different-secret-key-0123456789', projectId: 'f'.repeat(32) });
  // nothing listens on a free port once it is given back
  dead = `http://127.0.0.1:${await freePort()}`;
  const running = await startWithTargets(
    [
      { projectId: healthy.projectId, region: 'cn-north-4', endpoint: healthy.url },
      { projectId: wrongKey.projectId, region: 'cn-east-3', endpoint: wrongKey.url },
      { projectId: 'e'.repeat(32), region: 'ap-southeast-1', endpoint: dead },
    ],
    { DMS_TIMEOUT_MS: '2000', DMS_MAX_ATTEMPTS: '2', CONSOLE_TOKEN: TOKEN },
  );
  consoleUrl = running.url;
  close = running.close;
});
afterAll(async () => {
  await close();
  await Promise.all([healthy.close(), wrongKey.close()]);
});

describe('several targets, some broken', () => {
  it('lists the healthy targets’ instances with 200 and names each failed target with its error', async () => {
    const res = await authed(`${consoleUrl}/api/instances`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SK);
    const list = instanceListSchema.parse(JSON.parse(text));
    expect(list.instances.map((i) => i.id).sort()).toEqual(healthy.data.instances.map((i) => i.instance_id).sort());
    expect(list.instances.every((i) => i.region === 'cn-north-4')).toBe(true);
    const byRegion = Object.fromEntries(list.failures.map((f) => [f.region, f]));
    expect(Object.keys(byRegion).sort()).toEqual(['ap-southeast-1', 'cn-east-3']);

    const refused = byRegion['cn-east-3']!;
    expect(refused).toMatchObject({ projectId: wrongKey.projectId, endpoint: wrongKey.url });
    expect(refused.error.code).toBe('UPSTREAM_AUTH');
    expect(refused.error.upstream).toMatchObject({ status: 401, errorCode: 'APIGW.0301' });
    expect(refused.error.upstream?.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(refused.error.message).toMatch(/verify aksk signature fail/);

    const unreachable = byRegion['ap-southeast-1']!;
    expect(unreachable).toMatchObject({ projectId: 'e'.repeat(32), endpoint: dead });
    expect(unreachable.error.code).toBe('UPSTREAM_UNREACHABLE');
    // no answer came: no upstream status or request id to report (server/dms/errors.ts)
    expect(unreachable.error.upstream).toBeUndefined();
    expect(unreachable.error.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });

  it('keeps the healthy target’s task routes working', async () => {
    const instance = healthy.data.instances.find((i) => i.name === 'prod-orders')!;
    const res = await authed(`${consoleUrl}/api/instances/${instance.instance_id}/tasks?range=24h&pageSize=10`);
    expect(res.status).toBe(200);
    const list = taskListSchema.parse(await res.json());
    const known = new Set(healthy.data.tasks.get(instance.instance_id)!.map((t) => t.id));
    expect(list.total).toBeGreaterThan(0);
    expect(list.tasks.every((t) => known.has(t.id))).toBe(true);
  });

  it('answers an instance in no healthy target with the failed target’s error, not a 404', async () => {
    const res = await authed(`${consoleUrl}/api/instances/00000000-0000-4000-8000-000000000000/tasks`);
    expect(res.status).toBe(502);
    const { error } = apiErrorSchema.parse(await res.json());
    expect(error.code).toMatch(/^UPSTREAM_/);
  });

  it('reports each target at /api/diagnostics, behind the access control', async () => {
    expect((await fetch(`${consoleUrl}/api/diagnostics`)).status).toBe(401);
    const res = await authed(`${consoleUrl}/api/diagnostics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SK);
    const report = JSON.parse(text) as Diagnostics;
    expect(report.usable).toBe(false);
    const status = (region: string, name: string) =>
      report.targets.find((t) => t.region === region)!.checks.find((c) => c.name === name)!.status;
    expect(report.targets.map((t) => [t.region, t.usable])).toEqual([
      ['cn-north-4', true],
      ['cn-east-3', false],
      ['ap-southeast-1', false],
    ]);
    expect(status('cn-north-4', 'paging')).toBe('ok');
    expect(status('cn-east-3', 'credentials')).toBe('fail');
    expect(status('ap-southeast-1', 'reachable')).toBe('fail');
  });
});

describe('/api/ready', () => {
  it('is open to probes, names each target by region and hash with its state, and carries no id, endpoint or key', async () => {
    const res = await fetch(`${consoleUrl}/api/ready`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    for (const secret of [AK, SK, healthy.projectId, wrongKey.projectId, 'e'.repeat(32), healthy.url, dead])
      expect(text).not.toContain(secret);
    const ready = JSON.parse(text) as Readiness;
    expect(ready).toMatchObject({ ready: true, mode: 'live', sharedState: 'memory' });
    expect(ready.targets).toEqual([
      { name: expect.stringMatching(/^cn-north-4\/[0-9a-f]{8}$/), state: 'ok' },
      { name: expect.stringMatching(/^cn-east-3\/[0-9a-f]{8}$/), state: 'failed', code: 'UPSTREAM_AUTH' },
      { name: expect.stringMatching(/^ap-southeast-1\/[0-9a-f]{8}$/), state: 'failed', code: 'UPSTREAM_UNREACHABLE' },
    ]);
  });

  it('answers 503 when no target is usable, and costs one listing a target however often it is asked', async () => {
    await fetch(`${wrongKey.url}/_simulator/requests`, { method: 'DELETE' });
    const running = await startWithTargets(
      [{ projectId: wrongKey.projectId, region: 'cn-east-3', endpoint: wrongKey.url }],
      { DMS_MAX_ATTEMPTS: '1' },
    );
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${running.url}/api/ready`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({
          ready: false,
          targets: [{ state: 'failed', code: 'UPSTREAM_AUTH' }],
        });
      }
      const { requests } = (await (await fetch(`${wrongKey.url}/_simulator/requests`)).json()) as {
        requests: unknown[];
      };
      expect(requests).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});
