import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { startSimulator } from '../server/simulator/server.ts';

// A console in live mode, signing with real credentials against a standalone simulator whose
// faults we set: the error panels then show what the real gateway would answer.
let sim: Awaited<ReturnType<typeof startSimulator>>;
let server: ChildProcess | undefined;
let base = '';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const setFaults = async (faults: Record<string, unknown>) => {
  const res = await fetch(`${sim.url}/_simulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.ok).toBe(true);
};

test.beforeAll(async () => {
  test.setTimeout(60_000);
  sim = await startSimulator({ port: 0 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // its own process group, so the whole tree (tsx and node) stops with it
  server = spawn('node_modules/.bin/tsx', ['server/main.ts'], {
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DMS_ENDPOINT: sim.url,
      HUAWEICLOUD_SDK_REGION: 'cn-north-4',
      HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
      CLOUD_SDK_AK: sim.ak,
      CLOUD_SDK_SK: sim.sk,
      DMS_MAX_ATTEMPTS: '1',
      WINDOW_CACHE_TTL_MS: '0',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the live-mode console did not start');
});

test.afterAll(async () => {
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  await sim?.close();
});

test.beforeEach(() => setFaults({}));

const instanceId = () => sim.data.instances[0]!.instance_id;

test('live mode has no simulator banner and lists tasks', async ({ page }) => {
  await page.goto(`${base}/instances/${instanceId()}`);
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
  await expect(page.getByRole('note').filter({ hasText: 'Simulator mode' })).toHaveCount(0);
});

const cases = [
  {
    name: 'clock skew',
    faults: { clockSkewMs: 30 * 60_000 },
    title: 'Clock skew',
    code: 'APIGW.0301',
    shot: 'error-clock-skew',
  },
  {
    name: 'revoked credentials',
    faults: () => ({ revokedAks: [sim.ak] }),
    title: 'Bad credentials',
    code: 'APIGW.0301',
  },
  {
    name: 'throttling',
    faults: { throttleBurst: { count: 50 } },
    title: 'DMS is throttling requests',
    code: 'APIGW.0308',
  },
];

for (const c of cases) {
  test(`an upstream ${c.name} shows the code, the request id and what to do`, async ({ page }) => {
    await page.goto(`${base}/instances/${instanceId()}?range=1h`);
    await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
    await setFaults(typeof c.faults === 'function' ? c.faults() : c.faults);
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.getByRole('heading')).toHaveText(c.title);
    await expect(alert).toContainText(c.code);
    await expect(alert.locator('dd code').last()).toHaveText(/^[0-9a-f]{32}$/);
    if (c.shot) await page.screenshot({ path: `docs/screenshots/${c.shot}.png` });
    await setFaults({});
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
}
