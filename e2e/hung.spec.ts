import { expect, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';

// A DMS that hangs on the task listing: while the window loads the list says what it waits
// for, and Cancel stops waiting; Retry then loads it once DMS answers again.
// three attempts of 4 s each: time to see the second attempt and cancel before the last fails
const live = useLiveConsole({ DMS_TIMEOUT_MS: '4000', DMS_MAX_ATTEMPTS: '3' });

test('a hung DMS: the list says what it waits for, Cancel leaves a clear state, Retry loads', async ({ page }) => {
  test.setTimeout(90_000);
  const instance = live.sim.data.instances[0]!;
  await live.setFaults({ hang: { ms: 120_000 }, operations: ['ListBackgroundTasks'] });
  await page.goto(`${live.base}/instances/${instance.instance_id}?range=7d`);
  const progress = page.locator('.load-progress');
  await expect(progress).toContainText(
    /Reading the first page of tasks: waiting for DMS to answer \(attempt 1, gives up in \d+ seconds?\)/,
  );
  // the first attempt times out; the retry is named with its attempt
  await expect(progress).toContainText(/attempt 2/, { timeout: 20_000 });
  await expect(page.locator('.skeleton-row').first()).toBeAttached();

  await progress.getByRole('button', { name: 'Cancel' }).click();
  const cancelled = page.locator('.load-cancelled');
  await expect(cancelled).toContainText('Loading cancelled');
  await expect(progress).toHaveCount(0);
  await expect(page.locator('.skeleton-row')).toHaveCount(0);
  await expect(page.getByRole('table')).toContainText('loading was cancelled');
  // a clear state: no error panel, and nothing is asked of DMS any more (no progress to report)
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect
    .poll(async () =>
      (await page.request.get(`${live.base}/api/instances/${instance.instance_id}/progress?range=7d`)).json(),
    )
    .toEqual({ progress: null });

  await live.setFaults({});
  await cancelled.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible({ timeout: 20_000 });
  await expect(cancelled).toHaveCount(0);
});
