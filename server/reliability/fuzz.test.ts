import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzConsole } from './fuzz.ts';
import { type Harness, startHarness } from './harness.ts';

const RUNS = 5_000;
let h: Harness;

beforeAll(async () => {
  // windows stay cached for a minute, so the valid reads among the random ones cost few calls
  h = await startHarness({ WINDOW_CACHE_TTL_MS: '60000', DMS_TIMEOUT_MS: '2000' });
});
afterAll(async () => {
  await h.close();
  expect(h.leaks(`${h.answers.join('\n')}\n${h.logs.join('\n')}`)).toEqual([]);
});

describe('bad input', () => {
  it(`${RUNS} random requests over every route: only 2xx/4xx with the error body, and only the DMS operations upstream`, async () => {
    const stats = await fuzzConsole(h, RUNS);
    expect(stats.sent).toBe(RUNS);
    // the run reached past validation too: some answers came from DMS data
    expect(stats.byStatus[200]).toBeGreaterThan(0);
    expect(stats.byStatus[400]).toBeGreaterThan(0);
    expect(stats.byStatus[404]).toBeGreaterThan(0);
    expect(stats.upstreamByOperation.ListBackgroundTasks).toBeGreaterThan(0);
    console.info(`fuzz: ${JSON.stringify(stats)}`);
  }, 120_000);

  it('a request line over 16 KB is refused by Node with 431 before it reaches the app, and the server lives on', async () => {
    const long = await h.send(`/api/instances?q=${'a'.repeat(20_000)}`);
    expect(long.status).toBe(431);
    expect((await h.send('/api/health')).status).toBe(200);
  });
});
