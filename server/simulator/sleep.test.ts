import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './app.ts';

describe('the simulator latency sleep', () => {
  it('leaves no listener on the long-lived closing signal, however many calls it delays', async () => {
    const closing = new AbortController();
    await Promise.all(Array.from({ length: 50 }, () => sleep(2, [closing.signal, undefined])));
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
  });

  it('ends early when a signal aborts', async () => {
    const closing = new AbortController();
    const started = performance.now();
    const slept = sleep(10_000, [closing.signal]);
    closing.abort();
    await slept;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
