import { expect, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';

// A live-mode console whose simulator answers garbage at first: after Retry, everything the
// failure touched recovers together, not only the list whose panel was clicked.
const live = useLiveConsole();

// The console remembers a failed instance listing for a few seconds; Retry (clicked here at once)
// must ask past that memory, or it gets the old failure back.
test('after a failed first load, Retry brings back the list, the header and the heading', async ({ page }) => {
  const instance = live.sim.data.instances[0]!;
  await live.setFaults({ badBody: { kind: 'non-json' } });
  await page.goto(`${live.base}/instances/${instance.instance_id}?range=1h`);
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(page.getByRole('button', { name: /^Instance/ })).toContainText('Unknown instance');

  await live.setFaults({});
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Instance/ })).toContainText(instance.name);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Tasks of ${instance.name}`);
  await expect(page).toHaveTitle(new RegExp(`^${instance.name} `));
});
