import { expect, type Page, test } from '@playwright/test';
import { useLiveConsole } from './live-console.ts';

// A console in live mode against a standalone simulator whose faults this spec sets. One
// attempt per read and a 1 s timeout keep every failure quick.
const live = useLiveConsole({ DMS_TIMEOUT_MS: '1000' });

const rows = (page: Page) => page.getByRole('table').locator('tbody tr.task-row');
const instanceId = () => live.sim.data.instances.find((i) => i.name === 'prod-payments')!.instance_id;

interface Case {
  name: string;
  faults: () => Record<string, unknown>;
  title: string;
  /** The console's code and HTTP status, as the panel shows them. */
  console: string;
  /** The upstream code, when the upstream answered with one. */
  upstream?: string;
  /** Whether an upstream answer (and so its request id) came at all. */
  answered: boolean;
}

const cases: Case[] = [
  {
    name: '500s',
    faults: () => ({ errorRate: 1 }),
    title: 'DMS answered with an error',
    console: 'UPSTREAM_ERROR (HTTP 502)',
    upstream: 'DMS.00500000',
    answered: true,
  },
  {
    name: '429 with Retry-After',
    faults: () => ({ throttleBurst: { count: 100, retryAfterSeconds: 1 } }),
    title: 'DMS is throttling requests',
    console: 'UPSTREAM_THROTTLED (HTTP 503)',
    upstream: 'APIGW.0308',
    answered: true,
  },
  {
    name: '429 without Retry-After',
    faults: () => ({ throttleBurst: { count: 100 } }),
    title: 'DMS is throttling requests',
    console: 'UPSTREAM_THROTTLED (HTTP 503)',
    upstream: 'APIGW.0308',
    answered: true,
  },
  {
    name: 'answers slower than the timeout',
    faults: () => ({ hang: { ms: 30_000 } }),
    title: 'DMS timed out',
    console: 'UPSTREAM_TIMEOUT (HTTP 504)',
    answered: false,
  },
  {
    name: 'truncated bodies',
    faults: () => ({ badBody: { kind: 'truncated' } }),
    title: 'Unreadable answer from DMS',
    console: 'UPSTREAM_BAD_ANSWER (HTTP 502)',
    answered: true,
  },
  {
    name: 'non-JSON bodies',
    faults: () => ({ badBody: { kind: 'non-json' } }),
    title: 'Unreadable answer from DMS',
    console: 'UPSTREAM_BAD_ANSWER (HTTP 502)',
    answered: true,
  },
  {
    name: 'a clock 20 minutes off',
    faults: () => ({ clockSkewMs: 20 * 60_000 }),
    title: 'Clock skew',
    console: 'UPSTREAM_CLOCK_SKEW (HTTP 502)',
    upstream: 'APIGW.0301',
    answered: true,
  },
  {
    name: 'revoked credentials',
    faults: () => ({ revokedAks: [live.sim.ak] }),
    title: 'Bad credentials',
    console: 'UPSTREAM_AUTH (HTTP 502)',
    upstream: 'APIGW.0301',
    answered: true,
  },
];

for (const c of cases) {
  test(`upstream ${c.name}: the panel names the failure, then the view recovers once it is cleared`, async ({
    page,
  }) => {
    await page.goto(`${live.base}/instances/${instanceId()}?range=7d`);
    await expect(rows(page).first()).toBeVisible();
    await live.setFaults({ ...c.faults(), operations: ['ListBackgroundTasks'] });
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '30d' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.getByRole('heading')).toHaveText(c.title, { timeout: 15_000 });
    await expect(alert).toContainText(c.console);
    if (c.upstream) await expect(alert).toContainText(c.upstream);
    const requestId = alert.locator('dd code').last();
    if (c.answered) await expect(requestId).toHaveText(/^[0-9a-f]{32}$/);
    else {
      await expect(alert).toContainText('did not answer within 1000 ms');
      // no answer came: no upstream status or request id to show, and no placeholder for them
      // exact: the console code UPSTREAM_TIMEOUT contains the word too
      await expect(alert.getByText('Upstream', { exact: true })).toHaveCount(0);
      await expect(alert.getByText('Request id', { exact: true })).toHaveCount(0);
    }
    // the failed 30-day window is never shown as if it were complete: no rows, or the old ones marked stale
    if ((await rows(page).count()) > 0) await expect(page.locator('table.task-table')).toHaveClass(/is-stale/);

    await live.setFaults({});
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(rows(page).first()).toBeVisible();
    const api = await page.request.get(`${live.base}/api/instances/${instanceId()}/tasks?range=30d&pageSize=10`);
    expect(api.status()).toBe(200);
  });
}

// (Its click on "Custom" used to wait forever on a loaded machine: the Escape before it reached
// the instance picker while its combobox was still loading, which then opened over the list.
// e2e/picker.spec.ts holds that case.)
test('the CSP holds in every view: no violation event, no CSP console error', async ({ page }) => {
  // a long journey: on a loaded machine it takes most of the default minute
  test.setTimeout(120_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text()))
      consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

  // the list, with filters, sort, the instance picker and the custom range form
  await page.goto(`${live.base}/instances/${instanceId()}?range=30d`);
  await expect(rows(page).first()).toBeVisible();
  await page
    .getByRole('group', { name: 'Filter by status' })
    .getByRole('button', { name: /FAILED/ })
    .click();
  await page
    .getByRole('columnheader', { name: /Duration/ })
    .getByRole('button')
    .click();
  await page.getByRole('button', { name: /^Instance/ }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.keyboard.press('Escape');

  // expanded params (the lazily loaded viewer)
  const toggle = rows(page)
    .first()
    .getByRole('button', { name: /^Params of/ });
  await toggle.click();
  await expect(page.locator('.detail-row').getByRole('region', { name: 'Params' })).toBeVisible();

  // export buttons: both downloads start
  for (const name of ['Export CSV', 'Export JSON']) {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name }).click();
    expect((await download).suggestedFilename()).toMatch(/^dms-tasks_/);
  }

  // the task page, and a deep link to it loaded fresh
  await page.locator('.detail-row').getByRole('link', { name: 'Open task page' }).click();
  await expect(page.locator('.task-fields')).toBeVisible();
  const deepLink = page.url();
  expect(await violations()).toEqual([]);
  await page.goto(deepLink);
  await expect(page.locator('.task-fields')).toBeVisible();
  // an error panel is a view too
  await page.goto(`${live.base}/instances/00000000-0000-0000-0000-000000000000`);
  await expect(page.getByRole('alert')).toContainText('Unknown instance');

  expect(await violations()).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // and the watch really sees a violation: an inline script is refused and reported
  const res = await page.request.get(deepLink);
  expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.append(script);
  });
  await expect.poll(violations).toHaveLength(1);
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
});
