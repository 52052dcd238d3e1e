import { SHOTS } from './shots.ts';
import { expect, test } from '@playwright/test';

test('the console opens on a simulated instance and shows its tasks', async ({ page, request }) => {
  const health = await request.get('/api/health');
  expect(await health.json()).toEqual({ status: 'ok', mode: 'simulator' });

  await page.goto('/');
  const rows = page.getByRole('table').getByRole('row');
  // a header row plus task rows from the simulator, fetched through the signed upstream path
  await expect(rows.nth(1)).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(5);
  await page.screenshot({ path: `${SHOTS}/console.png` });
});
