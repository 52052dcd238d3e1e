import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { spawnConsole } from '../server/reliability/spawn-console.ts';
import type { FaultsInput } from '../server/simulator/faults.ts';
import { type RunningSimulator, startSimulator } from '../server/simulator/server.ts';
import { putFaults } from './live-console.ts';
import { SHOTS } from './shots.ts';

// The fleet view against the fleet seed (SIMULATOR_FLEET=200: three regions, each an endpoint of
// its own, two projects, every engine) through a live-mode console that names every project and
// region in a DMS_TARGETS_FILE, signing real requests. Each test starts the console it needs.

// a loaded machine reads 200 windows in tens of seconds, not one
test.describe.configure({ timeout: 180_000 });
const READ = { timeout: 90_000 };

let sim: RunningSimulator;
test.beforeAll(async () => {
  sim = await startSimulator({ port: 0, fleet: 200 });
});
test.afterAll(() => sim.close());

const setFaults = (faults: FaultsInput) => putFaults(sim.url, faults);

/** A live console whose DMS_TARGETS_FILE names every project and region of the fleet simulator. */
const startFleetConsole = async (env: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
  const file = join(dir, 'targets.json');
  writeFileSync(
    file,
    JSON.stringify(sim.targets.map((t) => ({ projectId: t.projectId, region: t.region, endpoint: t.url }))),
  );
  const c = await spawnConsole({
    DMS_TARGETS_FILE: file,
    CLOUD_SDK_AK: sim.ak,
    CLOUD_SDK_SK: sim.sk,
    DMS_MAX_ATTEMPTS: '1',
    UPSTREAM_RATE_PER_MINUTE: '100000',
    ...env,
  });
  return { base: c.url, stop: c.stop };
};

const seeded = () => sim.data.store.seeded.instances;
const rows = (page: Page) => page.locator('table.task-table tbody tr.task-row');

const expectAxeClean = async (page: Page) => {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter(
    (v) => v.impact === 'moderate' || v.impact === 'serious' || v.impact === 'critical',
  );
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
};

test('the union of every instance, with Instance and Engine columns and facets that narrow the set', async ({
  page,
}) => {
  const c = await startFleetConsole();
  try {
    await page.goto(`${c.base}/`);
    await page.getByRole('link', { name: 'All instances' }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole('status').filter({ hasText: 'instances read' })).toContainText(
      '200 of 200 instances read',
      READ,
    );
    await expect(page.getByRole('columnheader', { name: 'Instance' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: 'Engine' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: 'Region' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: 'Project' })).toBeVisible();
    await expect(rows(page).first()).toBeVisible();
    // rows from every engine are in the union
    const engines = page.getByRole('group', { name: 'Filter by engine' });
    for (const e of ['kafka', 'rabbitmq', 'rocketmq'])
      await expect(engines.getByRole('button', { name: e })).toBeVisible();
    // the Kafka facet narrows the set to the Kafka instances, in the URL
    await engines.getByRole('button', { name: /kafka/ }).click();
    await expect(page).toHaveURL(/instances=/);
    const kafka = seeded().filter((s) => s.instance.engine === 'kafka');
    await expect(page.getByRole('status').filter({ hasText: 'instances read' })).toContainText(
      `${kafka.length} of ${kafka.length} instances read`,
      READ,
    );
    await expect(rows(page).first()).toBeVisible();
    const shown = await rows(page).locator('td.col-engine').allTextContents();
    expect(new Set(shown)).toEqual(new Set(['Kafka']));
    // the region facet counts the tasks of the set in each region
    await expect(page.getByRole('group', { name: 'Filter by region' }).getByRole('button')).not.toHaveCount(0);
  } finally {
    await c.stop();
  }
});

test('a chosen instance set survives a reload and a fresh browser', async ({ page, browser }) => {
  const c = await startFleetConsole();
  try {
    await page.goto(`${c.base}/tasks`);
    await page.getByText('Instances: all').click();
    await page.getByRole('group', { name: 'Only one region' }).getByRole('button', { name: 'eu-west-101' }).click();
    const inRegion = seeded().filter((s) => s.placement!.region === 'eu-west-101');
    const line = page.getByRole('status').filter({ hasText: 'instances read' });
    await expect(line).toContainText(`${inRegion.length} of ${inRegion.length} instances read`, READ);
    const url = page.url();
    expect(new URL(url).searchParams.get('instances')!.split(',').sort()).toEqual(
      inRegion.map((s) => s.instance.instance_id).sort(),
    );
    await page.reload();
    await expect(line).toContainText(`${inRegion.length} of ${inRegion.length} instances read`, READ);
    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      await other.goto(url);
      await expect(other.getByRole('status').filter({ hasText: 'instances read' })).toContainText(
        `${inRegion.length} of ${inRegion.length} instances read`,
        READ,
      );
      await expect(other.getByText(`Instances: ${inRegion.length} of 200`)).toBeVisible();
    } finally {
      await fresh.close();
    }
  } finally {
    await c.stop();
  }
});

test('an instance that fails is named in the coverage line while the rest stay usable', async ({ page }) => {
  const broken = seeded().find((s) => s.plan.livePerMinute > 0)!;
  await setFaults({ failInstances: [broken.instance.instance_id] });
  const c = await startFleetConsole();
  try {
    await page.goto(`${c.base}/tasks`);
    const line = page.getByRole('status').filter({ hasText: 'instances read' });
    await expect(line).toContainText('199 of 200 instances read', READ);
    await expect(line).toContainText('1 failed');
    await line.getByText('Why some instances are missing').click();
    const failure = line.locator('.coverage__failure');
    await expect(failure).toContainText(broken.instance.name);
    await expect(failure).toContainText('DMS.00500000');
    await expect(failure).toContainText(/request id [0-9a-f]{32}/);
    await page.screenshot({ path: `${SHOTS}/fleet.png` });
    // the rest works: rows, sort, and no page error
    await expect(rows(page).first()).toBeVisible();
    await expect(page.locator('.error-panel')).toHaveCount(0);
    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(rows(page).first()).toBeVisible();
  } finally {
    await setFaults({});
    await c.stop();
  }
});

test('a read the call budget limits shows progress, not an error', async ({ page }) => {
  // the six targets' listings (one an engine) take 18 calls; 60 a minute leaves 42 windows now
  const c = await startFleetConsole({ UPSTREAM_RATE_PER_MINUTE: '60', UPSTREAM_MAX_WAIT_MS: '0' });
  try {
    await page.goto(`${c.base}/tasks`);
    const line = page.getByRole('status').filter({ hasText: 'instances read' });
    await expect(line).toContainText('of 200 instances read', READ);
    await expect(line).toContainText('waiting for the call budget', READ);
    await expect(line).toContainText(/about \d+ (s|min) at the budget's rate/);
    const read = Number(/(\d+) of 200/.exec((await line.textContent())!)![1]);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(200);
    await expect(rows(page).first()).toBeVisible();
    await expect(page.locator('.error-panel')).toHaveCount(0);
  } finally {
    await c.stop();
  }
});

test('export of the whole filtered fleet set', async ({ page }) => {
  const c = await startFleetConsole();
  try {
    // a past window, so what DMS holds for it is fixed: every SUCCESS task of every instance in it
    const to = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
    const from = to - 24 * 3_600_000;
    const expected = seeded().flatMap((s) =>
      sim.data.tasks.get(s.instance.instance_id)!.filter((t) => {
        const created = Date.parse(t.created_at);
        return created >= from && created <= to + 999 && t.status === 'SUCCESS';
      }),
    );
    expect(expected.length).toBeGreaterThan(25);
    const window = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    await page.goto(`${c.base}/tasks?${window}&status=SUCCESS&pageSize=25`);
    const line = page.getByRole('status').filter({ hasText: 'instances read' });
    await expect(line).toContainText('200 of 200 instances read', READ);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^dms-fleet-tasks_200-of-200-instances_.*\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^instanceId,instanceName,engine,projectId,region,id,name,status/);
    // every matching task of every instance, not the page on screen
    const ids = lines.slice(1).map((l) => l.split(',')[5]);
    expect(ids.sort()).toEqual(expected.map((t) => t.id).sort());
  } finally {
    await c.stop();
  }
});

test('the single-instance table and histogram: rows open their params, a legend click filters, Instance sorts; axe clean in both themes', async ({
  page,
}) => {
  test.setTimeout(600_000); // 200 windows read, then two full axe scans: slow on a loaded machine
  const c = await startFleetConsole();
  try {
    await page.goto(`${c.base}/tasks`);
    const line = page.getByRole('status').filter({ hasText: 'instances read' });
    await expect(line).toContainText('200 of 200 instances read', READ);

    // sort by project, as by region: the whole id in each cell's title, the rows in its order
    const projects = new Set(seeded().map((s) => s.placement!.projectId));
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await expect(page).toHaveURL(/sort=projectId/);
    await expect(page.getByRole('columnheader', { name: 'Project' })).toHaveAttribute('aria-sort', 'ascending');
    await expect
      .poll(async () => {
        const ids = await rows(page)
          .locator('td.col-projectId .project-id')
          .evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? ''));
        return (
          ids.length > 1 && ids.every((id) => projects.has(id)) && ids.every((id, i) => i === 0 || ids[i - 1]! <= id)
        );
      }, READ)
      .toBe(true);

    // and by instance: the URL says so, and the rows are in instance-name order
    await page.getByRole('button', { name: 'Instance', exact: true }).click();
    await expect(page).toHaveURL(/sort=instanceName/);
    await expect(page).toHaveURL(/order=asc/);
    await expect(page.getByRole('columnheader', { name: 'Instance' })).toHaveAttribute('aria-sort', 'ascending');
    await expect
      .poll(async () => {
        const names = await rows(page).locator('td.col-instanceName').allTextContents();
        return names.length > 1 && names.every((n, i) => i === 0 || names[i - 1]!.localeCompare(n, 'en') <= 0);
      }, READ)
      .toBe(true);

    // a row opens the same params viewer, and its task page is on the row's own instance
    const first = rows(page).first();
    const instanceId = await first.locator('td.col-instanceName a').getAttribute('href');
    await first.getByRole('button', { name: /^Params of/ }).click();
    const detail = page.locator('.detail-row').first();
    await expect(detail.locator('.json-tree, .params__raw').first()).toBeVisible();
    await expect(detail.getByRole('link', { name: 'Open task page' })).toHaveAttribute(
      'href',
      new RegExp(`^${instanceId!.replace(/\?.*$/, '')}/tasks/[0-9a-f]{32}`),
    );
    await expect(page).toHaveURL(/open=[0-9a-f]{32}/);

    // the histogram over the fleet: its legend filters the table
    const figure = page.getByRole('figure', { name: 'Tasks over time' });
    await expect(figure).toBeVisible();
    await figure
      .getByRole('group', { name: 'Status legend, click a status to filter' })
      .getByRole('button', { name: 'FAILED' })
      .click();
    await expect(page).toHaveURL(/status=FAILED/);
    await expect(figure.getByRole('button', { name: 'FAILED' })).toHaveAttribute('aria-pressed', 'true');
    await expect(rows(page).first()).toBeVisible();
    await expect(rows(page).locator('.status', { hasNotText: 'FAILED' })).toHaveCount(0);

    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.getByLabel('Theme').selectOption(theme);
      await expectAxeClean(page);
    }
  } finally {
    await c.stop();
  }
});
