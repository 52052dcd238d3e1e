import { readFileSync } from 'node:fs';
import { testClient } from 'hono/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUERY_KEYS } from '../shared/contract.ts';
import { API_ERROR_CODES } from '../shared/error-codes.ts';
import { HTTP_STATUS } from './errors.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';
import { simulatorApp, simulatorClient } from './test-app.ts';

// docs/API.md is written by hand; this test holds it to the code, so it cannot drift again.
const doc = readFileSync(new URL('../docs/API.md', import.meta.url), 'utf8');

/** The text under a heading, up to the next heading of the same or a higher level. */
const section = (heading: string) => {
  const start = doc.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`docs/API.md has no heading ${heading}`);
  const level = /^#+/.exec(heading)![0];
  const rest = doc.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
};

/** The first column of a Markdown table's body rows, and the second. */
const tableRows = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) => l.split('|').map((cell) => cell.trim()))
    .map(([, first = '', second = '']) => [first, second] as const);

const codesIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

let sim: RunningSimulator;
const operations = new Set<string>();
const build = () =>
  simulatorApp(sim, simulatorClient(sim, { onCall: (call) => operations.add(call.operation) }), {
    // present so its route is registered; this test never calls it
    diagnostics: () => Promise.reject(new Error('not called')),
  });

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

describe('docs/API.md', () => {
  it('documents exactly the GET routes the app serves under /api', () => {
    const documented = [...doc.matchAll(/^### `GET (\/api\/[^`?\s]*)/gm)].map((m) =>
      m[1]!.replace(/\{(\w+)\}/g, ':$1'),
    );
    const served = build()
      .routes.filter((r) => r.method === 'GET' && r.path.startsWith('/api/') && !r.path.includes('*'))
      .map((r) => r.path);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("documents exactly the list route's query parameters", () => {
    const table = section('### `GET /api/instances/{instanceId}/tasks`');
    const documented = tableRows(table).flatMap(([name]) => codesIn(name));
    expect(documented.sort()).toEqual([...TASK_QUERY_KEYS].sort());
  });

  it('documents every error code with the status onError answers it with', () => {
    const documented = new Map<string, number>();
    for (const [status, code] of tableRows(section('## Errors')))
      for (const c of codesIn(code)) documented.set(c, Number(status));
    expect([...documented.keys()].sort()).toEqual([...API_ERROR_CODES].sort());
    for (const code of API_ERROR_CODES) expect(documented.get(code), code).toBe(HTTP_STATUS[code]);
  });

  it('names the DMS operations the routes call, and no other', async () => {
    const named = /It calls only \w+ DMS operations: ([^;]+);/.exec(doc.replace(/\s+/g, ' '))?.[1];
    const documented = new Set(named?.split(/, | and /));
    const api = testClient(build()).api;
    const { instances } = await (await api.instances.$get()).json();
    const instanceId = instances[0]!.id;
    const param = { instanceId };
    const list = await (await api.instances[':instanceId'].tasks.$get({ param, query: { range: '7d' } })).json();
    expect(list.tasks.length).toBeGreaterThan(0);
    // a task no cached window holds, so the route asks DMS for it
    const taskId = '0'.repeat(32);
    expect((await api.instances[':instanceId'].tasks[':taskId'].$get({ param: { instanceId, taskId } })).status).toBe(
      404,
    );
    for (const res of [
      await api.instances[':instanceId'].export.$get({ param, query: { range: '7d', format: 'json' } }),
      await api.instances[':instanceId'].insights.$get({ param, query: { range: '7d' } }),
      await api.instances[':instanceId'].timeline.$get({ param, query: { range: '7d' } }),
      await api.health.$get(),
    ])
      expect(res.status).toBe(200);
    expect(operations).toEqual(documented);
  }, 60_000);
});
