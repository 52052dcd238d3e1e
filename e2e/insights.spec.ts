import AxeBuilder from '@axe-core/playwright';
import { SHOTS } from './shots.ts';
import { type Browser, expect, test, type Page } from '@playwright/test';

// each test reads a window and renders figures: generous on a loaded two-core machine
test.describe.configure({ timeout: 180_000 });

const rows = (page: Page) => page.getByRole('table', { name: /^Tasks/ }).locator('tbody tr.task-row');
const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);
const histogram = (page: Page) => page.getByRole('figure', { name: 'Tasks over time' });

/** prod-orders, last 24 h: the simulator seeds its outliers, stuck task and diff pair there. */
const openOrders = async (page: Page, search = '') => {
  const instances = (await (await page.request.get('/api/instances')).json()) as {
    instances: { id: string; name: string }[];
  };
  const orders = instances.instances.find((i) => i.name === 'prod-orders')!;
  await page.goto(`/instances/${orders.id}${search}`);
  // the first read of a window on a busy machine can take a while
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(histogram(page)).toBeVisible({ timeout: 30_000 });
  return orders.id;
};

/** A copied link opened by a fresh browser: a new context, so no storage, cache or history of the page that made it. */
const openFresh = async (browser: Browser, link: string) => {
  const context = await browser.newContext({
    timezoneId: 'UTC',
    locale: 'en-GB',
    viewport: { width: 1400, height: 900 },
  });
  const fresh = await context.newPage();
  await fresh.goto(link);
  return fresh;
};

const expectNoSeriousViolations = async (page: Page) => {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
};

test('the histogram: a drag sets an absolute range, the legend filters, keys zoom; all survive a reload', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openOrders(page);
  const figure = histogram(page);

  // legend click toggles the status filter
  await figure
    .getByRole('group', { name: 'Status legend, click a status to filter' })
    .getByRole('button', { name: 'FAILED' })
    .click();
  await expect.poll(() => param(page, 'status')).toBe('FAILED');
  await expect(page.locator('tbody tr.task-row .status', { hasNotText: 'FAILED' })).toHaveCount(0);
  await expect(figure.getByRole('button', { name: 'FAILED' })).toHaveAttribute('aria-pressed', 'true');

  // drag across the middle half: from/to in the URL, range gone
  const plot = figure.locator('.histogram__plot svg');
  const box = (await plot.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => param(page, 'from')).not.toBeNull();
  expect(param(page, 'range')).toBeNull();
  const [from, to] = [Date.parse(param(page, 'from')!), Date.parse(param(page, 'to')!)];
  expect(to - from).toBeGreaterThan(10 * 3_600_000);
  expect(to - from).toBeLessThan(14 * 3_600_000);

  // arrow keys walk the buckets and say their counts; Enter zooms into one
  const buckets = figure.getByRole('group', { name: /arrow keys move/ });
  await buckets.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(figure.locator('.histogram__tip')).toContainText(/\d{2}:\d{2} – .*: (no tasks|\d+ FAILED)/);
  await page.keyboard.press('Enter');
  await expect.poll(() => Date.parse(param(page, 'to')!) - Date.parse(param(page, 'from')!)).toBeLessThan(3_600_000);

  // reload, and a fresh browser opening the link, show the same view
  const url = page.url();
  await page.reload();
  await expect(histogram(page)).toBeVisible();
  expect(page.url()).toBe(url);
  await expect(histogram(page).getByRole('button', { name: 'FAILED' })).toHaveAttribute('aria-pressed', 'true');
  const fresh = await openFresh(page.context().browser()!, url);
  await expect(histogram(fresh)).toBeVisible({ timeout: 30_000 });
  expect(fresh.url()).toBe(url);
  await expect(histogram(fresh).getByRole('button', { name: 'FAILED' })).toHaveAttribute('aria-pressed', 'true');
  await fresh.context().close();
});

test('the seeded outliers and the stuck resize are flagged, each is a filter, and a fresh browser opens either link', async ({
  page,
  browser,
}) => {
  // a second browser reads the window too
  test.setTimeout(300_000);
  await openOrders(page, '?range=24h&sort=durationMs');
  await page.getByRole('button', { name: /^Only outliers/ }).click();
  await expect.poll(() => param(page, 'flag')).toBe('outlier');
  await expect(rows(page)).toHaveCount(2);
  // longest first: the resize (62 min, about 3.5× its median), then the restart (40 min, over 10×)
  await expect(rows(page).nth(0)).toContainText('resizeInstance');
  await expect(rows(page).nth(0).locator('.flag--outlier')).toHaveText(/^[3-4]\.\d× median$/);
  await expect(rows(page).nth(1)).toContainText('restartInstance');
  await expect(rows(page).nth(1).locator('.flag--outlier')).toHaveText(/^\d\d\.\d× median$/);
  const outliersLink = page.url();

  await page.getByRole('button', { name: /^Only stuck/ }).click();
  await expect.poll(() => param(page, 'flag')).toBe('stuck');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('EXECUTING');
  await expect(rows(page).first().locator('.flag--stuck')).toHaveText(/^running 2 h( \d+ min)? · usually \d+ min/);
  await page.screenshot({ path: `${SHOTS}/insights-stuck.png` });

  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByRole('button', { name: /^Only stuck/ })).toHaveAttribute('aria-pressed', 'true');
  const stuckLink = page.url();

  // each link, opened by a fresh browser, shows the same flagged rows with its filter on
  const outliers = await openFresh(browser, outliersLink);
  await expect(rows(outliers).first()).toBeVisible({ timeout: 30_000 });
  await expect(outliers.getByRole('button', { name: /^Only outliers/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(rows(outliers)).toHaveCount(2);
  await expect(rows(outliers).nth(0)).toContainText('resizeInstance');
  await expect(rows(outliers).nth(1)).toContainText('restartInstance');
  await expect(rows(outliers).locator('.flag--outlier')).toHaveCount(2);
  await outliers.context().close();
  const stuck = await openFresh(browser, stuckLink);
  await expect(rows(stuck).first()).toBeVisible({ timeout: 30_000 });
  await expect(stuck.getByRole('button', { name: /^Only stuck/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(rows(stuck)).toHaveCount(1);
  await expect(rows(stuck).first().locator('.flag--stuck')).toHaveText(/^running 2 h( \d+ min)? · usually \d+ min/);
  await stuck.context().close();

  // the durations panel sorts
  await page.getByText('Durations by task name').click();
  const durations = page.locator('table.durations');
  await durations.getByRole('button', { name: /Max/ }).click();
  await expect(durations.getByRole('columnheader', { name: /Max/ })).toHaveAttribute('aria-sort', 'descending');
});

test('a diff of two config changes shows the changed key, after a reload and in a fresh browser', async ({
  page,
  browser,
}) => {
  // a second browser reads the window too
  test.setTimeout(300_000);
  await openOrders(page, '?range=24h&name=modifyInstanceConfig&user=ops-admin&q=heartbeat');
  const failed = rows(page).filter({ hasText: 'FAILED' }).filter({ hasText: 'modifyInstanceConfig' }).first();
  await expect(failed).toBeVisible();
  // "vs prev" diffs the failed change against the run before it
  await failed.getByRole('button', { name: /with the previous run/ }).click();
  await expect.poll(() => param(page, 'diff')?.split(',').length).toBe(2);
  const diff = page.getByRole('region', { name: 'Params diff' });
  await expect(diff.getByRole('row', { name: /configs\[0\]\.value/ })).toContainText('"60"');
  await expect(diff.getByRole('row', { name: /configs\[0\]\.value/ })).toContainText('"0"');
  await expect(diff.getByRole('row', { name: /^force/ })).toContainText('added');
  await page.screenshot({ path: `${SHOTS}/insights-diff.png` });

  const url = page.url();
  await page.reload();
  await expect(page.getByRole('region', { name: 'Params diff' }).getByRole('row', { name: /configs/ })).toBeVisible({
    timeout: 30_000,
  });
  expect(page.url()).toBe(url);
  const fresh = await openFresh(browser, url);
  const freshDiff = fresh.getByRole('region', { name: 'Params diff' });
  await expect(freshDiff.getByRole('row', { name: /configs\[0\]\.value/ })).toContainText('"60"', { timeout: 30_000 });
  await expect(freshDiff.getByRole('row', { name: /configs\[0\]\.value/ })).toContainText('"0"');
  await expect(freshDiff.getByRole('row', { name: /^force/ })).toContainText('added');
  expect(new URL(fresh.url()).searchParams.get('diff')).toBe(param(page, 'diff'));
  await fresh.context().close();

  // with one task picked, the pointer on another's checkbox reads that task before any click
  const [first, second] = param(page, 'diff')!.split(',');
  const onePicked = new URL(url);
  onePicked.searchParams.set('diff', first!);
  const picking = await openFresh(browser, onePicked.href);
  const read = picking.waitForRequest((r) => r.url().endsWith(`/tasks/${second}`), { timeout: 30_000 });
  await picking.locator(`tr[data-row-id="${second}"]`).getByRole('checkbox').hover();
  await read;
  await picking.context().close();

  // picking by checkbox and by `d`
  await diff.getByRole('button', { name: 'Close diff' }).click();
  await expect.poll(() => param(page, 'diff')).toBeNull();
  await rows(page).nth(0).getByRole('checkbox').check();
  await rows(page)
    .nth(1)
    .getByRole('button', { name: /^Params of/ })
    .focus();
  await page.keyboard.press('d');
  await expect.poll(() => param(page, 'diff')?.split(',').length).toBe(2);
  await expect(page.getByRole('region', { name: 'Params diff' })).toBeVisible();
});

test("the timeline: bars by name, zoom writes the shared range; its link in a fresh browser opens a bar's task", async ({
  page,
  browser,
}) => {
  // a second browser reads the window too
  test.setTimeout(300_000);
  const instanceId = await openOrders(page, '?range=24h&name=resizeInstance');
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Timeline' }).click();
  await expect.poll(() => param(page, 'view')).toBe('timeline');
  const timeline = page.getByRole('figure', { name: 'Timeline' });
  await expect(timeline.locator('canvas')).toHaveAttribute('data-draw-ms', /\d/);

  // zoom in: an absolute range half as long, which the histogram then shows too
  await timeline.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(() => param(page, 'from')).not.toBeNull();
  const span = Date.parse(param(page, 'to')!) - Date.parse(param(page, 'from')!);
  expect(Math.abs(span - 12 * 3_600_000)).toBeLessThan(60_000);
  await expect(histogram(page).locator('.histogram__step')).toHaveText('per 10 min');

  // only the stuck resize: one lane, one bar, running to now at the right edge
  const { stuck } = (await (await page.request.get(`/api/instances/${instanceId}/insights?range=24h`)).json()) as {
    stuck: { id: string }[];
  };
  await page.goto(`/instances/${instanceId}?range=24h&name=resizeInstance&view=timeline`);
  await page.getByRole('button', { name: /^Only stuck/ }).click();
  await expect.poll(() => param(page, 'flag')).toBe('stuck');
  const oneBar = /^1 tasks in 1 lanes/;
  await expect(page.getByRole('figure', { name: 'Timeline' }).locator('canvas')).toHaveAttribute('aria-label', oneBar, {
    timeout: 30_000,
  });

  // its link, opened by a fresh browser, shows that timeline; a click on the bar opens the task
  const fresh = await openFresh(browser, page.url());
  const canvas = fresh.getByRole('figure', { name: 'Timeline' }).locator('canvas');
  await expect(canvas).toHaveAttribute('aria-label', oneBar, { timeout: 30_000 });
  const box = (await canvas.boundingBox())!;
  // the first row of the first lane: below the 20 px axis and the lane's 6 px padding
  await fresh.mouse.move(box.x + box.width - 8, box.y + 29);
  await expect(fresh.getByRole('figure', { name: 'Timeline' }).locator('.histogram__tip')).toContainText(
    'resizeInstance · EXECUTING',
  );
  await fresh.mouse.down();
  await fresh.mouse.up();
  await expect(fresh).toHaveURL(new RegExp(`/tasks/${stuck[0]!.id}`));
  await expect(fresh.locator('.task-fields')).toBeVisible();
  await fresh.goBack();
  await expect(fresh.getByRole('figure', { name: 'Timeline' })).toBeVisible();
  await fresh.context().close();
});

test('the timeline by keyboard: Tab reaches a bar, arrows walk bars and lanes, Enter opens the task', async ({
  page,
}) => {
  const instanceId = await openOrders(page, '?range=24h&view=timeline');
  const timeline = page.getByRole('figure', { name: 'Timeline' });
  await expect(timeline.locator('canvas')).toHaveAttribute('data-draw-ms', /\d/);
  // the lanes as the route gives them, sorted by name (the window is cached: the page's own data)
  const { tasks } = (await (await page.request.get(`/api/instances/${instanceId}/timeline?range=24h`)).json()) as {
    tasks: { name: string }[];
  };
  const laneKeys = [...new Set(tasks.map((t) => t.name))].sort((a, b) => a.localeCompare(b));
  expect(laneKeys.length).toBeGreaterThan(1);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  const barOf = async () => {
    const m = /Bar (\d+) of (\d+) in lane (.+), lane (\d+) of (\d+)$/.exec(await focused());
    return m && { bar: Number(m[1]), of: Number(m[2]), lane: m[3], laneNo: Number(m[4]), lanes: Number(m[5]) };
  };

  // Tab from the last control of the figure lands on the first bar of the first lane, named for a screen reader
  await timeline.getByRole('button', { name: 'Later →' }).focus();
  await page.keyboard.press('Tab');
  await expect.poll(barOf).toMatchObject({ bar: 1, lane: laneKeys[0], laneNo: 1 });
  expect(await focused()).toMatch(
    new RegExp(`^${laneKeys[0]} · [A-Z]+ · .+ · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`),
  );
  await expect(timeline.locator('.histogram__tip')).toContainText('Enter opens it');
  const { of: firstLaneBars } = (await barOf())!;

  // → the next bar of the lane (or stays on the last), ↓ the next lane, End its last bar, ← one back
  await page.keyboard.press('ArrowRight');
  await expect.poll(barOf).toMatchObject({ bar: Math.min(2, firstLaneBars), lane: laneKeys[0] });
  await page.keyboard.press('ArrowDown');
  await expect.poll(barOf).toMatchObject({ lane: laneKeys[1], laneNo: 2 });
  await page.keyboard.press('End');
  const end = (await barOf())!;
  expect(end.bar).toBe(end.of);
  await page.keyboard.press('ArrowUp');
  await expect.poll(barOf).toMatchObject({ lane: laneKeys[0], laneNo: 1 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await expect.poll(barOf).toMatchObject({ bar: end.of, lane: laneKeys[1] });

  // Enter opens that task: the last run of the second lane's name, started when its name says
  const label = await focused();
  const started = label.split(' · ')[3]!.split(' – ')[0]!;
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f]{32}/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(laneKeys[1]!);
  await expect(page.locator('.task-fields')).toContainText(started);
  await page.goBack();
  await expect(page.getByRole('figure', { name: 'Timeline' }).locator('canvas')).toBeVisible();

  // the timeline's link survives a reload
  const url = page.url();
  await page.reload();
  await expect(page.getByRole('figure', { name: 'Timeline' }).locator('canvas')).toHaveAttribute('data-draw-ms', /\d/);
  expect(page.url()).toBe(url);
});

for (const theme of ['light', 'dark'] as const) {
  test(`insights, diff and timeline: no serious axe violations in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.emulateMedia({ colorScheme: theme });
    await openOrders(page, '?range=24h&name=modifyInstanceConfig&user=ops-admin&q=heartbeat&view=timeline');
    await page.getByLabel('Theme').selectOption(theme);
    await rows(page).nth(0).getByRole('checkbox').check();
    await rows(page).nth(1).getByRole('checkbox').check();
    await expect(page.getByRole('region', { name: 'Params diff' }).getByRole('table')).toBeVisible();
    await expect(page.getByRole('figure', { name: 'Timeline' }).locator('canvas')).toBeVisible();
    await page.getByText('Durations by task name').click();
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: `${SHOTS}/insights-${theme}.png` });
  });
}
