import { describe, expect, it } from 'vitest';
import { fuzzTest } from './fuzz.ts';

describe('bad input', () => {
  const harness = fuzzTest(5_000, 120_000);

  it('a request line over 16 KB is refused by Node with 431 before it reaches the app, and the server lives on', async () => {
    const h = harness();
    const long = await h.send(`/api/instances?q=${'a'.repeat(20_000)}`);
    expect(long.status).toBe(431);
    expect((await h.send('/api/health')).status).toBe(200);
  });
});
