import { expect, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';

// A console in live mode (no window cache) against a simulator whose faults this spec sets.
const live = useLiveConsole();

const listUrl = (query = '') => `${live.base}/instances/${live.sim.data.instances[0]!.instance_id}?range=1h${query}`;

test('an export that fails says so in the page; facet counts do not wait forever under an error', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(listUrl());
  await expect(page.locator('tbody tr.task-row').first()).toBeVisible({ timeout: 30_000 });
  const exportCsv = page.getByRole('button', { name: 'Export CSV' });
  await expect(exportCsv).toBeEnabled();

  await live.setFaults({ errorRate: 1 });
  let downloads = 0;
  page.on('download', () => downloads++);
  await exportCsv.click();
  const failure = page.getByRole('group', { name: 'Export the filtered tasks' }).getByRole('alert');
  await expect(failure).toContainText('The CSV export failed');
  await expect(failure).toContainText('UPSTREAM');
  expect(downloads).toBe(0);

  // the list fails too: the status facets show no count rather than "…" for ever
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await expect(page.locator('.panel--error')).toBeVisible({ timeout: 30_000 });
  const counts = page.getByRole('group', { name: 'Filter by status' }).locator('.facet__count');
  await expect(counts.first()).toBeAttached();
  expect(await counts.allInnerTexts()).not.toContain('…');
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeDisabled();

  // and once DMS answers again, so does the export
  await live.setFaults({});
  await page.locator('.panel--error').getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('tbody tr.task-row').first()).toBeVisible({ timeout: 30_000 });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  expect((await download).suggestedFilename()).toMatch(/^dms-tasks_.*\.json$/);
  await expect(failure).toHaveCount(0);
});

test('with nothing to export the export buttons are disabled', async ({ page }) => {
  await page.goto(listUrl('&q=no-such-task-anywhere'));
  await expect(page.locator('.empty-state')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Export JSON' })).toBeDisabled();
});
