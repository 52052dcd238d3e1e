import { SHOTS } from './shots.ts';
import { expect, test } from '@playwright/test';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('at 390×844 the controls fold behind Filters, each task is two lines, and an open row fits', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const { instances } = (await (await request.get('/api/instances')).json()) as {
    instances: { id: string; name: string }[];
  };
  const instanceId = instances.find((i) => i.name === 'prod-orders')!.id;
  await page.goto(`/instances/${instanceId}`);
  const rows = page.locator('tbody tr.task-row');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });

  // the first task is on the first screen (it started 952 px down), and nothing scrolls sideways
  const first = (await rows.first().boundingBox())!;
  // high on the first screen (844 px), under the header, the simulator banner and the folded controls
  expect(first.y).toBeLessThan(450);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // two lines: name and status side by side, start and duration under them; user and end hidden
  const box = async (col: string) => (await rows.first().locator(`td.col-${col}`).boundingBox())!;
  const [name, status, start, duration] = await Promise.all(
    ['name', 'status', 'createdAt', 'durationMs'].map((c) => box(c)),
  );
  // side by side = their vertical extents overlap (a long name may wrap, a badge may add a line,
  // so tops can differ by a line while the cells still share a row)
  const sameLine = (a: typeof name, b: typeof name) => a!.y < b!.y + b!.height && b!.y < a!.y + a!.height;
  expect(sameLine(name, status)).toBe(true);
  expect(sameLine(start, duration)).toBe(true);
  expect(start!.y).toBeGreaterThanOrEqual(Math.max(name!.y + name!.height, status!.y + status!.height) - 1);
  expect(status!.x).toBeGreaterThan(name!.x);
  await expect(rows.first().locator('td.col-userName')).toBeHidden();
  await expect(rows.first().locator('td.col-updatedAt')).toBeHidden();
  expect(first.height).toBeLessThan(90);

  // the controls fold behind one button
  const timeRange = page.getByRole('group', { name: 'Time range' });
  const insights = page.getByRole('region', { name: 'Insights' });
  await expect(timeRange).toBeHidden();
  await expect(insights).toBeHidden();
  const filtersButton = page.getByRole('button', { name: 'Filters', exact: true });
  await expect(filtersButton).toHaveAttribute('aria-expanded', 'false');
  await page.screenshot({ path: `${SHOTS}/phone.png` });
  await filtersButton.click();
  await expect(timeRange).toBeVisible();
  // the histogram sets the range, statuses and flags: it folds with the other controls, and fits
  await expect(insights).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page
    .getByRole('group', { name: 'Filter by status' })
    .getByRole('button', { name: /FAILED/ })
    .click();
  await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('FAILED');
  await expect(page.getByRole('button', { name: 'Filters (1)' })).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('button', { name: 'Filters (1)' }).click();
  await expect(timeRange).toBeHidden();

  // an open row's buttons are all on screen
  await rows
    .first()
    .getByRole('button', { name: /^Params of/ })
    .click();
  const detail = page.locator('.detail-row');
  await expect(detail.getByRole('region', { name: 'Params' })).toBeVisible();
  for (const button of [
    detail.getByRole('link', { name: 'Open task page' }),
    detail.getByRole('button', { name: /^Copy link/ }),
    detail.getByRole('button', { name: 'Copy params', exact: true }),
  ]) {
    const b = (await button.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('on a desktop the controls stay out, with no Filters button', async ({ browser, request, baseURL }) => {
  const { instances } = (await (await request.get('/api/instances')).json()) as {
    instances: { id: string; name: string }[];
  };
  const desktop = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 } });
  try {
    const page = await desktop.newPage();
    await page.goto(`/instances/${instances[0]!.id}`);
    await expect(page.getByRole('group', { name: 'Time range' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: /^Filters/ })).toBeHidden();
  } finally {
    await desktop.close();
  }
});
