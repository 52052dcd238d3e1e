import { expect, test } from '@playwright/test';

// The instance combobox loads on demand. An Escape pressed while it loads used to go nowhere:
// the panel then opened over the list and covered its controls (the CSP journey's click on
// "Custom" waited for it forever on a loaded machine).
test('Escape closes the instance picker while its combobox is still loading', async ({ page, request }) => {
  test.setTimeout(90_000);
  const { instances } = (await (await request.get('/api/instances')).json()) as { instances: { id: string }[] };
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(/instance-combobox[^/]*\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`/instances/${instances[0]!.id}?range=24h`);
  await expect(page.getByRole('table').locator('tbody tr.task-row').first()).toBeVisible({ timeout: 30_000 });
  const picker = page.getByRole('button', { name: /^Instance/ });
  await picker.click();
  await expect(picker).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(picker).toHaveAttribute('aria-expanded', 'false');
  await expect(picker).toBeFocused();
  release();
  // the list's controls are not covered: the click on Custom reaches it
  await page.getByRole('button', { name: 'Custom' }).click();
  await expect(page.getByRole('button', { name: 'Custom' })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('.instance-picker__panel')).toHaveCount(0);
});
