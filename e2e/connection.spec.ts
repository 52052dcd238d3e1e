import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

test('the Connection view, reached from the header by keyboard, reports the simulator usable and is axe clean', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const link = page.getByRole('link', { name: 'Connection' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/connection$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Connection' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Every target is usable.', { timeout: 30_000 });
  await expect(page.getByRole('listitem').filter({ hasText: 'Paging convention' })).toContainText('OK');
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact !== 'minor').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
