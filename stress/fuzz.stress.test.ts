import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzConsole } from '../server/reliability/fuzz.ts';
import { type Harness, startHarness } from '../server/reliability/harness.ts';

const RUNS = Number(process.env.STRESS_FUZZ_RUNS ?? 50_000);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ WINDOW_CACHE_TTL_MS: '60000', DMS_TIMEOUT_MS: '2000' });
});
afterAll(async () => {
  await h.close();
  expect(h.leaks(`${h.answers.join('\n')}\n${h.logs.join('\n')}`)).toEqual([]);
});

describe('bad input, long run', () => {
  it(`${RUNS} random requests: only 2xx/4xx with the error body, only the DMS operations upstream`, async () => {
    const stats = await fuzzConsole(h, RUNS);
    expect(stats.sent).toBe(RUNS);
    console.info(`fuzz: ${JSON.stringify(stats)}`);
  }, 600_000);
});
