import { expect as baseExpect, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';
import { SHOTS } from './shots.ts';

// Arrivals come from the simulator's control (POST /_simulator/tasks) the moment the test asks,
// on an instance with no arrivals of its own, so the counts are exact and nothing waits for the clock.
const expect = baseExpect.configure({ timeout: 30_000 });
const live = useLiveConsole();

test('live: while tasks run the view refreshes, and new tasks wait behind "N new"', async ({ page }) => {
  test.setTimeout(90_000);
  const instance = live.sim.data.instances.find((i) => i.name === 'legacy-billing')!;
  // a task still running when the view opens keeps it refreshing (every few seconds)
  const running = await live.injectTask({
    instanceId: instance.instance_id,
    name: 'restartInstance',
    durationMs: 600_000,
  });
  // A window ends a couple of seconds before now (its last seconds can still change upstream):
  // open the view once the console's window holds the task, not in the seconds before.
  await expect
    .poll(async () => {
      const res = await fetch(`${live.base}/api/instances/${instance.instance_id}/tasks?range=30d`);
      return ((await res.json()) as { tasks?: { id: string }[] }).tasks?.some((t) => t.id === running.id);
    })
    .toBe(true);
  await page.goto(`${live.base}/instances/${instance.instance_id}?range=30d`);
  const rows = page.getByRole('table', { name: /^Tasks(?! over time)/ }).locator('tbody tr.task-row');
  await expect(rows.first()).toHaveAttribute('data-row-id', running.id);
  await expect(rows.first().locator('.status')).toHaveText(/EXECUTING|CREATED/);
  const shown = await rows.count();

  const arrived = await live.injectTask({ instanceId: instance.instance_id, name: 'resizeInstance', final: 'FAILED' });
  const more = page.getByRole('button', { name: '1 new' });
  await expect(more).toBeVisible();
  // the rows stay where the reader had them until asked
  await expect(rows.first()).toHaveAttribute('data-row-id', running.id);
  expect(await rows.count()).toBe(shown);
  await page.screenshot({ path: `${SHOTS}/live-new-tasks.png` });
  await more.click();
  await expect(more).toBeHidden();
  await expect(rows.first()).toHaveAttribute('data-row-id', arrived.id);
  await expect(rows.nth(1)).toHaveAttribute('data-row-id', running.id);
});
