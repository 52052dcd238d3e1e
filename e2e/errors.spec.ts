import { SHOTS } from './shots.ts';
import { expect, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';

// A console in live mode against a standalone simulator whose gateway faults this spec sets.
// 7 days of the first instance fit (about 1,200 tasks), 30 days (about 4,500) do not
const live = useLiveConsole({ WINDOW_MAX_TASKS: '2000' });

const instanceId = () => live.sim.data.instances[0]!.instance_id;

test('live mode has no simulator banner and lists tasks', async ({ page }) => {
  await page.goto(`${live.base}/instances/${instanceId()}`);
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
    faults: () => ({ revokedAks: [live.sim.ak] }),
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
    await page.goto(`${live.base}/instances/${instanceId()}?range=1h`);
    await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
    await live.setFaults(typeof c.faults === 'function' ? c.faults() : c.faults);
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.getByRole('heading')).toHaveText(c.title);
    await expect(alert).toContainText(c.code);
    await expect(alert.locator('dd code').last()).toHaveText(/^[0-9a-f]{32}$/);
    if (c.shot) await page.screenshot({ path: `${SHOTS}/${c.shot}.png` });
    await live.setFaults({});
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
}

test('a window over the size limit offers a shorter range, not a retry', async ({ page }) => {
  await page.goto(`${live.base}/instances/${instanceId()}?range=30d`);
  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading')).toHaveText('Too many tasks in this range');
  await expect(alert).toContainText('WINDOW_TOO_LARGE (HTTP 422)');
  await expect(alert.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(alert).not.toContainText('request id');
  await expect(alert.getByText('Upstream')).toHaveCount(0);
  await alert.getByRole('button', { name: 'Show the last 7d' }).click();
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
  expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('an invalid instance id in the link leads to the instances, not to a retry', async ({ page }) => {
  await page.goto(`${live.base}/instances/not-an-instance`);
  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading')).toHaveText('Not an instance id');
  await expect(alert).toContainText('INVALID_INSTANCE_ID (HTTP 400)');
  await expect(alert.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(alert).not.toContainText('request id');
  await alert.getByRole('link', { name: 'Choose another instance' }).click();
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/^\/instances\/[0-9a-f-]{36}$/);
});
