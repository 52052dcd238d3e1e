import { expect, test, type APIRequestContext } from '@playwright/test';

/** The seeded task with a 2,500-item params array (~200 KB) on prod-orders, from the API. */
const bigTask = async (request: APIRequestContext) => {
  const { instances } = (await (await request.get('/api/instances')).json()) as {
    instances: { id: string; name: string }[];
  };
  const instanceId = instances.find((i) => i.name === 'prod-orders')!.id;
  const query = new URLSearchParams({ range: '24h', name: 'modifyInstanceConfig', status: 'FAILED' });
  const list = (await (await request.get(`/api/instances/${instanceId}/tasks?${query}`)).json()) as {
    tasks: { id: string; paramsTruncated?: boolean }[];
  };
  const id = list.tasks.find((t) => t.paramsTruncated)!.id;
  const { task } = (await (await request.get(`/api/instances/${instanceId}/tasks/${id}`)).json()) as {
    task: { id: string; params: string };
  };
  return { instanceId, query, task };
};

test('a 2,500-item params array folds, shows more in steps, and copies as DMS sent it', async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { instanceId, task } = await bigTask(request);
  expect(JSON.parse(task.params).configs).toHaveLength(2_500);
  await page.goto(`/instances/${instanceId}/tasks/${task.id}`);
  test.setTimeout(90_000);
  const params = page.locator('section.params'); // role queries over thousands of nodes are slow
  await expect(params.getByText('2,500 items')).toBeVisible({ timeout: 30_000 });
  // one key at the root: pluralised
  await expect(params.locator('.json-count').first()).toHaveText(' 1 key ');

  // folded: a page of a few screens, not 51,628 px of lines each with its own button
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(3_000);
  expect(await params.locator('button.copy-value').count()).toBeLessThan(30);

  const items = params.locator('.json-children .json-children > li.json-branch');
  await expect(items).toHaveCount(20);
  await params.getByRole('button', { name: '… 2,480 more', exact: true }).click();
  await expect(params.getByRole('button', { name: '… 2,380 more', exact: true })).toBeVisible();
  await expect(items).toHaveCount(120);
  await expect(params.locator('.json-string', { hasText: /\.119"$/ })).toHaveCount(0); // items stay folded

  // a node's copy button shows on hover, and its name starts with what it shows
  const head = params.locator('.json-head', { has: page.locator('.json-toggle', { hasText: /^▸7: \{ 3 keys \}$/ }) });
  const copyItem = head.getByRole('button', { name: 'copy params.configs[7]', exact: true });
  await expect(copyItem).toHaveCSS('opacity', '0');
  await head.hover();
  await expect(copyItem).toHaveCSS('opacity', '1');
  await head.locator('.json-toggle').click();
  await expect(params.locator('.json-string', { hasText: /\.7"$/ })).toBeVisible();

  // the names are the labels; "Copy params" is the string as DMS sent it
  await params.getByRole('button', { name: 'Copy params', exact: true }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(task.params);
  await params.getByRole('button', { name: 'Copy formatted', exact: true }).click();
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toBe(JSON.stringify(JSON.parse(task.params), null, 2));
});

test("the CSV export cuts a cell over Excel's limit with a marker; the JSON export keeps it whole", async ({
  request,
}) => {
  const { instanceId, query, task } = await bigTask(request);
  expect(task.params.length).toBeGreaterThan(32_767);
  const csv = await (await request.get(`/api/instances/${instanceId}/export?format=csv&${query}`)).text();
  const row = csv.split('\r\n').find((line) => line.startsWith(task.id))!;
  const marker = ` …[truncated: ${task.params.length.toLocaleString('en')} characters in all; the JSON export has them whole]`;
  const cell = row.slice(row.indexOf(',"') + 2, -1).replaceAll('""', '"');
  expect(cell.endsWith(marker)).toBe(true);
  expect(cell.length).toBeLessThanOrEqual(32_767);
  expect(task.params.startsWith(cell.slice(0, -marker.length))).toBe(true);

  const json = (await (await request.get(`/api/instances/${instanceId}/export?format=json&${query}`)).json()) as {
    tasks: { id: string; params: string }[];
  };
  expect(json.tasks.find((t) => t.id === task.id)!.params).toBe(task.params);
});
