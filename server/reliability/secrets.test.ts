import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaultsInput } from '../simulator/faults.ts';
import { FAKE_AK, FAKE_SK, type Harness, startHarness } from './harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WRONG_SK = 'a-second-fake-secret-that-the-gateway-does-not-know-42';
const printed: string[] = [];

let h: Harness;
beforeAll(async () => {
  // anything the code under test prints (onError's last resort, warnings) is kept and searched too
  for (const m of ['log', 'info', 'warn', 'error'] as const)
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  h = await startHarness({ DMS_MAX_ATTEMPTS: '2' });
});
afterAll(async () => {
  await h.close();
  vi.restoreAllMocks();
});

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe('secrets', () => {
  it('no route, error path or log line carries the AK, the SK or the signed Authorization header', async () => {
    const instanceId = h.instanceId('prod-payments');
    const taskId = h.sim.data.tasks.get(instanceId)![0]!.id;
    const routes = [
      '/api/health',
      '/api/ready',
      '/api/instances',
      `/api/instances/${instanceId}/tasks?range=7d`,
      `/api/instances/${instanceId}/tasks/${taskId}`,
      `/api/instances/${instanceId}/tasks/${'f'.repeat(32)}`,
      `/api/instances/${instanceId}/export?format=csv&range=7d`,
      `/api/instances/${instanceId}/export?format=json&range=7d`,
      `/api/instances/${instanceId}/tasks?range=nope`,
      '/api/instances/00000000-0000-0000-0000-000000000000/tasks',
      '/api/instances/..%2f..%2fv2/tasks',
      '/api/nothing',
      '/a\\b',
    ];
    const faults: FaultsInput[] = [
      {},
      { errorRate: 1 },
      { hang: { ms: 5_000 } },
      { badBody: { kind: 'truncated' } },
      { badBody: { kind: 'non-json' } },
      { revokedAks: [FAKE_AK] },
      { clockSkewMs: 20 * 60_000 },
      { throttleBurst: { count: 1_000, retryAfterSeconds: 0 } },
      { throttle: { limitPerMinute: 1, retryAfter: true } },
    ];
    const statuses = new Set<number>();
    for (const f of faults) {
      h.sim.control.reset();
      h.sim.control.setFaults(f);
      for (const path of routes) statuses.add((await h.send(path)).status);
      await h.send('/api/health', { headers: { host: 'evil.example.com' } });
    }
    h.sim.control.reset();
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 404, 502, 503, 504]));
    const everything = [...h.answers, ...h.logs, ...printed].join('\n');
    expect(h.logs.length).toBeGreaterThan(faults.length * routes.length);
    expect(h.leaks(everything)).toEqual([]);
  }, 60_000);

  it('a signature the gateway refuses (wrong SK) echoes its canonical request, never a key', async () => {
    const wrong = await startHarness({ CLOUD_SDK_SK: WRONG_SK });
    try {
      const a = await wrong.send('/api/instances');
      expect(a.status).toBe(502);
      expect(a.body).toMatch(/APIGW\.0301/);
      expect(a.body).toMatch(/verify aksk signature fail/);
      const everything = [...wrong.answers, ...wrong.logs, ...printed].join('\n');
      expect(wrong.leaks(everything)).toEqual([]);
      expect(everything).not.toContain(WRONG_SK);
      expect(everything).not.toContain(WRONG_SK.slice(0, 16));
    } finally {
      await wrong.close();
    }
  });

  it('the built SPA carries neither key, even when they are in the build environment', async () => {
    const out = mkdtempSync(join(tmpdir(), 'console-build-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'],
        {
          cwd: root,
          env: {
            ...process.env,
            CLOUD_SDK_AK: FAKE_AK,
            CLOUD_SDK_SK: FAKE_SK,
            HUAWEICLOUD_SDK_AK: FAKE_AK,
            HUAWEICLOUD_SDK_SK: FAKE_SK,
          },
        },
      );
      const built = files(out);
      expect(built.some((f) => f.endsWith('.js'))).toBe(true);
      expect(built.some((f) => f.endsWith('index.html'))).toBe(true);
      for (const f of built) {
        const text = readFileSync(f, 'latin1');
        for (const secret of [FAKE_AK, FAKE_SK, FAKE_AK.slice(0, 12), FAKE_SK.slice(0, 16)])
          expect(text.includes(secret), `${f} contains a key`).toBe(false);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
