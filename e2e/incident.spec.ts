import { expect as baseExpect, test, type Page } from '@playwright/test';

// These journeys open cold 7- and 30-day windows; on a busy 2-core machine the first rows of
// one can take longer than the suite's default 10 s.
const expect = baseExpect.configure({ timeout: 30_000 });

// Issue 13's journeys: readable times, a search that finds any task, navigation that keeps
// the reader's place. Each fails against the console before those changes.

const rows = (page: Page) => page.getByRole('table').locator('tbody tr.task-row');
const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

const instanceIds = async (page: Page) => {
  const res = await page.request.get('/api/instances');
  const { instances } = (await res.json()) as { instances: { id: string; name: string }[] };
  return Object.fromEntries(instances.map((i) => [i.name, i.id]));
};

/** HH:mm:ss of an instant in a zone, from the browser's own Intl (the test's reference, not the app's code). */
const clockIn = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

test.describe('in Asia/Kolkata (a half-hour offset)', () => {
  test.use({ timezoneId: 'Asia/Kolkata' });

  test('start and end cells show the instant in the display zone, and the Local/UTC toggle changes them', async ({
    page,
  }) => {
    const ids = await instanceIds(page);
    await page.goto(`/instances/${ids['prod-orders']}?range=7d&status=SUCCESS`);
    const start = rows(page).first().locator('td.col-createdAt time');
    await expect(start).toBeVisible();
    const iso = (await start.getAttribute('datetime'))!;
    const absolute = start.locator('.time-cell__absolute');
    await expect(absolute).toHaveText(/^\d{1,2} [A-Z][a-z]{2}( \d{4})? \d\d:\d\d:\d\d$/);
    await expect(absolute).toContainText(clockIn(iso, 'Asia/Kolkata'));
    await expect(start.locator('.time-cell__relative')).toHaveText(/ago|just now/);
    const end = rows(page).first().locator('td.col-updatedAt .time-cell__absolute');
    await expect(end).toHaveText(/\d\d:\d\d:\d\d$/);

    await page.getByRole('group', { name: 'Time zone' }).getByRole('button', { name: 'UTC' }).click();
    await expect(absolute).toContainText(clockIn(iso, 'UTC'));
  });
});

test.describe('in Europe/Berlin (daylight saving)', () => {
  test.use({ timezoneId: 'Europe/Berlin', locale: 'en-US' });

  test('a custom range across the change prints each end with its own offset, in one 24-hour convention', async ({
    page,
  }) => {
    const ids = await instanceIds(page);
    await page.goto(`/instances/${ids['prod-orders']}`);
    await expect(rows(page).first()).toBeVisible();
    await page.getByRole('button', { name: 'Custom' }).click();
    const from = page.getByLabel('From (local)');
    // en-US would show a 12-hour clock in a datetime-local input; the inputs follow the summary
    await expect(from).toHaveValue(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    await from.fill('2026-03-28 12:00');
    await page.getByLabel('To (local)').fill('2026-03-30 13:30');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect.poll(() => param(page, 'from')).toBe('2026-03-28T11:00:00.000Z');
    expect(param(page, 'to')).toBe('2026-03-30T11:30:00.000Z');
    const summary = page.locator('.range-picker__summary');
    await expect(summary).toContainText('28 Mar 2026 12:00 +01:00 – 30 Mar 2026 13:30 +02:00');
    await expect(summary.locator('.zone-label')).toHaveText('Europe/Berlin');
  });
});

test('a pasted task id outside the range is found and offered; an instance id offers that instance', async ({
  page,
}) => {
  const ids = await instanceIds(page);
  const orders = ids['prod-orders']!;
  const res = await page.request.get(`/api/instances/${orders}/tasks?range=30d&sort=createdAt&order=asc&pageSize=10`);
  const old = ((await res.json()) as { tasks: { id: string; name: string }[] }).tasks[0]!;

  await page.goto(`/instances/${orders}?range=1h`);
  await expect(rows(page).first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search' }).fill(old.id);
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  const hint = page.getByRole('status').filter({ hasText: 'outside this range' });
  await expect(hint).toContainText(old.id);
  await hint.getByRole('link', { name: `Open task ${old.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/instances/${orders}/tasks/${old.id}\\?`));
  await expect(page.locator('.task-fields')).toContainText(old.id);

  await page.goto(`/instances/${orders}?range=1h&q=${ids['prod-payments']}`);
  const offer = page.getByRole('status').filter({ hasText: 'is the id of the instance' });
  await offer.getByRole('link', { name: 'Show the tasks of prod-payments' }).click();
  await expect(page).toHaveURL(new RegExp(`/instances/${ids['prod-payments']}\\?range=1h$`));
  await expect(page.getByRole('button', { name: /^Instance/ })).toContainText('prod-payments');
});

test('Escape leaves the search box with the search kept', async ({ page }) => {
  const ids = await instanceIds(page);
  await page.goto(`/instances/${ids['prod-orders']}?range=30d`);
  await expect(rows(page).first()).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search' });
  await page.keyboard.press('/');
  await page.keyboard.type('restart');
  await expect.poll(() => param(page, 'q')).toBe('restart');
  await search.press('Escape');
  await expect(search).not.toBeFocused();
  await expect(search).toHaveValue('restart');
  // the debounce has had its chance to commit a cleared box: the link still says restart
  await page.keyboard.press('j');
  await expect.poll(() => param(page, 'q')).toBe('restart');
});

test('a link with one bad status keeps the good one and names the bad', async ({ page }) => {
  const ids = await instanceIds(page);
  await page.goto(`/instances/${ids['prod-orders']}?range=7d&status=FAILED,NOPE`);
  await expect(page.getByRole('status').filter({ hasText: 'dropped' })).toContainText('NOPE');
  await expect.poll(() => param(page, 'status')).toBe('FAILED');
  await expect(
    page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: /FAILED/ }),
  ).toHaveAttribute('aria-pressed', 'true');
});

test('rows open side by side without history; the task page names its instance and leads back to the same view', async ({
  page,
}) => {
  const ids = await instanceIds(page);
  const orders = ids['prod-orders']!;
  await page.goto(`/instances/${orders}?range=1h`);
  await expect(rows(page).first()).toBeVisible();
  const view = `/instances/${orders}?range=7d&status=FAILED&sort=durationMs`;
  await page.goto(view);
  await expect(rows(page).nth(1)).toBeVisible();
  await expect(page).toHaveTitle(/prod-orders.*FAILED.*7d/);

  const toggles = page.getByRole('button', { name: /^Params of/ });
  await toggles.nth(0).click();
  await toggles.nth(1).click();
  await expect(toggles.nth(0)).toHaveAttribute('aria-expanded', 'true');
  await expect(toggles.nth(1)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('.detail-row')).toHaveCount(2);
  await expect.poll(() => param(page, 'open')?.split(',').length).toBe(2);
  const listUrl = page.url();

  // opening rows added no steps: one Back leaves the view for the one before
  await page.goBack();
  await expect.poll(() => param(page, 'range')).toBe('1h');
  await page.goForward();
  await expect(page.locator('.detail-row')).toHaveCount(2);

  await page.locator('.detail-row').first().getByRole('link', { name: 'Open task page' }).click();
  await expect(page.locator('.task-fields')).toContainText('prod-orders');
  const name = await page.getByRole('heading', { level: 1 }).innerText();
  await expect(page).toHaveTitle(new RegExp(`^${name} .*prod-orders`));
  await page.getByRole('link', { name: /← All tasks of prod-orders/ }).click();
  await expect(page.locator('.detail-row')).toHaveCount(2);
  expect(page.url()).toBe(listUrl);
});
