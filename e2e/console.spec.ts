import AxeBuilder from '@axe-core/playwright';
import { SHOTS } from './shots.ts';
import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.getByRole('table').locator('tbody tr.task-row');
const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

const openInstance = async (page: Page, name: string) => {
  await page.getByRole('button', { name: /^Instance/ }).click();
  await page.getByRole('combobox', { name: 'Search instances by name or id' }).fill(name);
  await page
    .getByRole('listbox')
    .getByRole('option', { name: new RegExp(`^${name}`) })
    .click();
  await expect(page.getByRole('button', { name: /^Instance/ })).toContainText(name);
  await expect(rows(page).first()).toBeVisible();
};

const expectNoSeriousViolations = async (page: Page) => {
  const { violations } = await new AxeBuilder({ page }).analyze();
  // moderate too: heading order and content outside landmarks are what screen-reader users trip on
  const serious = violations.filter(
    (v) => v.impact === 'moderate' || v.impact === 'serious' || v.impact === 'critical',
  );
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
};

test('an operator finds a failed task, reads its params and shares a link that opens the same task', async ({
  page,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await expect(page.getByRole('note')).toContainText('Simulator mode');
  await openInstance(page, 'prod-payments');
  await openInstance(page, 'prod-orders');
  const instancePath = new URL(page.url()).pathname;
  expect(instancePath).toMatch(/^\/instances\/[0-9a-f-]{36}$/);

  // range: 7 days, rolling, zone printed beside it
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await expect.poll(() => param(page, 'range')).toBe('7d');
  await expect(page.locator('.range-picker__summary')).toContainText('Last 7 days');
  await expect(page.locator('.zone-label')).toContainText('UTC');

  // filter FAILED from its facet
  await page
    .getByRole('group', { name: 'Filter by status' })
    .getByRole('button', { name: /FAILED/ })
    .click();
  await expect.poll(() => param(page, 'status')).toBe('FAILED');
  await expect(rows(page).first()).toBeVisible();
  await expect(page.locator('tbody tr.task-row .status', { hasNotText: 'FAILED' })).toHaveCount(0);

  // sort by duration, longest first
  await page
    .getByRole('columnheader', { name: /Duration/ })
    .getByRole('button')
    .click();
  await expect.poll(() => param(page, 'sort')).toBe('durationMs');
  await expect(page.getByRole('columnheader', { name: /Duration/ })).toHaveAttribute('aria-sort', 'descending');
  // the sorted rows drawn, not the last order's still shown while they come
  await expect(page.locator('table.task-table')).toHaveAttribute('aria-busy', 'false');

  // expand the first row: params as JSON, copyable
  const firstToggle = rows(page)
    .first()
    .getByRole('button', { name: /^Params of/ });
  await firstToggle.click();
  await expect(firstToggle).toHaveAttribute('aria-expanded', 'true');
  const taskId = param(page, 'open');
  expect(taskId).toMatch(/^[0-9a-f]{32}$/);
  await expect(page.locator('.detail-row').getByRole('region', { name: 'Params' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/tasks-failed-expanded.png` });

  // reload keeps everything
  const before = page.url();
  await page.reload();
  await expect(rows(page).first()).toBeVisible();
  expect(page.url()).toBe(before);
  await expect(page.getByRole('button', { name: /^Params of/ }).first()).toHaveAttribute('aria-expanded', 'true');
  await expect(
    page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: /FAILED/ }),
  ).toHaveAttribute('aria-pressed', 'true');

  // back and forward walk the view history; opening a row is not a step of it
  await page.goBack();
  await expect.poll(() => param(page, 'sort')).toBeNull();
  await page.goForward();
  await expect.poll(() => param(page, 'sort')).toBe('durationMs');
  expect(param(page, 'open')).toBe(taskId);

  // the task page, its link copied and opened in a fresh browser
  await page.locator('.detail-row').getByRole('link', { name: 'Open task page' }).click();
  // the task page's search is the list view it came from (the way back); its link is the bare task path
  await expect(page).toHaveURL(new RegExp(`${instancePath}/tasks/${taskId}\\?`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.task-fields')).toContainText(taskId!);
  await page.getByRole('button', { name: 'Copy link to this task' }).click();
  await expect(page.getByRole('button', { name: 'Copy link to this task' })).toContainText('Copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(new URL(page.url()).origin + new URL(page.url()).pathname);
  await page.screenshot({ path: `${SHOTS}/task-page.png` });

  const fresh = await browser.newContext({ timezoneId: 'UTC' });
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.locator('.task-fields')).toContainText(taskId!);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText(
    await page.getByRole('heading', { level: 1 }).innerText(),
  );
  await fresh.close();
});

test('search, name and user filters, paging by keyboard, export links', async ({ page }) => {
  await page.goto('/');
  await openInstance(page, 'prod-orders');
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '30d' }).click();
  await expect.poll(() => param(page, 'range')).toBe('30d');
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused();
  await page.keyboard.type('restart');
  await expect.poll(() => param(page, 'q')).toBe('restart');
  await expect(rows(page).first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search' }).press('Escape');

  await page
    .getByRole('group', { name: 'Filter by task name' })
    .getByRole('button', { name: /^restartInstance/ })
    .click();
  await expect.poll(() => param(page, 'name')).toBe('restartInstance');
  await expect(page.locator('tbody tr.task-row .task-name', { hasNotText: 'restartInstance' })).toHaveCount(0);

  await page.getByLabel('Rows per page').selectOption('25');
  await expect.poll(() => param(page, 'pageSize')).toBe('25');
  await expect(rows(page)).toHaveCount(25);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => param(page, 'page')).toBe('2');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => param(page, 'page')).toBeNull();

  // j/k move between rows; Enter opens the focused one
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(
    rows(page)
      .nth(1)
      .getByRole('button', { name: /^Params of/ }),
  ).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('k');
  await page.keyboard.press(' ');
  await expect(
    rows(page)
      .nth(0)
      .getByRole('button', { name: /^Params of/ }),
  ).toHaveAttribute('aria-expanded', 'true');

  const asked = page.waitForRequest((r) => r.url().includes('/export?'));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const href = (await asked).url();
  expect(href).toContain('format=csv');
  expect(href).toContain('name=restartInstance');
  expect(href).not.toContain('page=');
  expect((await download).suggestedFilename()).toMatch(/^dms-tasks_.*\.csv$/);
});

test('custom range, step and pin; zone toggle', async ({ page }) => {
  await page.goto('/');
  await openInstance(page, 'prod-orders');
  await page.getByRole('button', { name: 'Pin' }).click();
  await expect.poll(() => param(page, 'from')).not.toBeNull();
  const from = Date.parse(param(page, 'from')!);
  const to = Date.parse(param(page, 'to')!);
  expect(to - from).toBe(24 * 3_600_000);
  expect(param(page, 'range')).toBeNull();

  await page.getByRole('button', { name: 'Earlier window' }).click();
  await expect.poll(() => param(page, 'to')).toBe(new Date(from).toISOString());

  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('From (local)').fill('2026-01-01T00:00');
  await page.getByLabel('To (local)').fill('2026-01-02T12:00');
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect.poll(() => param(page, 'from')).toBe('2026-01-01T00:00:00.000Z');
  expect(param(page, 'to')).toBe('2026-01-02T12:00:00.000Z');
  await expect(page.locator('.range-picker__summary')).toContainText('1 Jan 2026 00:00 – 2 Jan 2026 12:00');

  await page.getByRole('group', { name: 'Time zone' }).getByRole('button', { name: 'UTC' }).click();
  await expect.poll(() => param(page, 'zone')).toBe('utc');
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect.poll(() => param(page, 'from')).toBeNull();
});

test('a malformed link falls back to defaults with a notice; unknown task and instance say so', async ({ page }) => {
  await page.goto('/');
  await openInstance(page, 'prod-orders');
  const path = new URL(page.url()).pathname;
  await page.goto(`${path}?page=-4&sort=sideways&status=FAILED,NOPE&pageSize=25`);
  await expect(page.getByRole('status').filter({ hasText: 'not understood' })).toContainText('sort');
  // the valid FAILED is kept (the bad NOPE is named in incident.spec.ts)
  await expect(rows(page).first()).toBeVisible();
  await expect.poll(() => param(page, 'status')).toBe('FAILED');
  await expect.poll(() => param(page, 'sort')).toBeNull();
  expect(param(page, 'pageSize')).toBe('25');

  await page.goto(`${path}/tasks/${'0'.repeat(32)}`);
  await expect(page.getByRole('heading', { name: 'Task not found' })).toBeVisible();

  await page.goto('/instances/00000000-0000-0000-0000-000000000000');
  await expect(page.getByRole('alert')).toContainText('Unknown instance');
});

test('the empty state names the filter and clears it', async ({ page }) => {
  await page.goto('/');
  await openInstance(page, 'prod-orders');
  await page.goto(`${new URL(page.url()).pathname}?q=no-such-task-anywhere&status=CANCELLED`);
  await expect(page.locator('.empty-state')).toContainText('status CANCELLED, search “no-such-task-anywhere”');
  await page.screenshot({ path: `${SHOTS}/empty-state.png` });
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows(page).first()).toBeVisible();
  expect(param(page, 'q')).toBeNull();
});

for (const theme of ['light', 'dark'] as const) {
  test(`no moderate, serious or critical axe violations in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(180_000); // four full axe scans: slow on a loaded machine
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/');
    await openInstance(page, 'prod-orders');
    await page.getByLabel('Theme').selectOption(theme);
    await rows(page)
      .first()
      .getByRole('button', { name: /^Params of/ })
      .click();
    await expect(page.locator('.detail-row .json-tree, .detail-row .params__raw').first()).toBeVisible();
    await page.getByRole('button', { name: /^Instance/ }).click();
    await expectNoSeriousViolations(page);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: `${SHOTS}/tasks-${theme}.png` });
    await page.locator('.detail-row').getByRole('link', { name: 'Open task page' }).click();
    await expect(page.locator('.task-fields')).toBeVisible();
    await expectNoSeriousViolations(page);
  });
}

test('the last instance is remembered for the next visit, and a link naming another still wins', async ({ page }) => {
  await page.goto('/');
  await openInstance(page, 'prod-payments');
  const payments = new URL(page.url()).pathname;
  await openInstance(page, 'staging-events');
  const staging = new URL(page.url()).pathname;
  await page.goto('/');
  await expect(page).toHaveURL(new RegExp(`${staging}$`));
  await page.goto(payments);
  await expect(page.getByRole('button', { name: /^Instance/ })).toContainText('prod-payments');
  await expect(rows(page).first()).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(new RegExp(`${payments}$`));
});
