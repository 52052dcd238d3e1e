import { expect as baseExpect, test, type Page } from '@playwright/test';

// Runs in the `new-york` project (playwright.config.ts): a browser whose clock keeps US
// daylight saving. Every time printed below is New York wall time, so the journey fails if a
// local-time path used UTC or the server aligned the histogram to another zone.
const expect = baseExpect.configure({ timeout: 30_000 });
test.describe.configure({ timeout: 180_000 });

const rows = (page: Page) => page.getByRole('table', { name: /^Tasks(?! over time)/ }).locator('tbody tr.task-row');
const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

test('across the autumn change: the range, the histogram buckets and the cells in New York time', async ({ page }) => {
  const { instances } = (await (await page.request.get('/api/instances')).json()) as {
    instances: { id: string; name: string }[];
  };
  const orders = instances.find((i) => i.name === 'prod-orders')!;
  await page.goto(`/instances/${orders.id}?range=1h`);
  await expect(page.getByRole('table', { name: /^Tasks(?! over time)/ })).toBeVisible();

  // New York leaves summer time at 02:00 on 1 November 2026
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('From (local)').fill('2026-10-31 12:00');
  await page.getByLabel('To (local)').fill('2026-11-02 12:00');
  const insights = page.waitForRequest((r) => r.url().includes('/insights?') && r.url().includes('from='));
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect.poll(() => param(page, 'from')).toBe('2026-10-31T16:00:00.000Z');
  expect(param(page, 'to')).toBe('2026-11-02T17:00:00.000Z');
  const summary = page.locator('.range-picker__summary');
  await expect(summary).toContainText('31 Oct 2026 12:00 -04:00 – 2 Nov 2026 12:00 -05:00');
  await expect(summary.locator('.zone-label')).toHaveText('America/New_York');

  // the histogram is asked for in the browser's zone, and its buckets start on New York's half hours
  expect(new URL((await insights).url()).searchParams.get('tz')).toBe('America/New_York');
  const buckets = page.getByRole('figure', { name: 'Tasks over time' }).locator('table tbody th');
  await expect(buckets.first()).toHaveText('31 Oct 2026 12:00');
  await expect(buckets.last()).toHaveText(/^2 Nov 2026 1[12]:[03]0$/);
  // the repeated hour 01:00–02:00 appears twice, once in summer time and once after
  await expect(buckets.filter({ hasText: /^1 Nov 2026 01:30$/ })).toHaveCount(2);

  // a task's cell: the instant in New York time (the browser's own Intl is the reference)
  const start = rows(page).first().locator('td.col-createdAt time');
  await expect(start).toBeVisible();
  const iso = (await start.getAttribute('datetime'))!;
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
  await expect(start.locator('.time-cell__absolute')).toContainText(clock);
});
