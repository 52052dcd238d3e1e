import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './app.ts';

describe('the simulator latency sleep', () => {
  it('leaves no listener on the long-lived closing signal, however many calls it delays', async () => {
    const closing = new AbortController();
    await Promise.all(Array.from({ length: 50 }, () => sleep(2, [closing.signal, undefined])));
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
  });

  it('holds one listener on a shared signal however many calls sleep on it at once (no MaxListenersExceededWarning)', async () => {
    const closing = new AbortController();
    const requests = Array.from({ length: 12 }, () => new AbortController());
    const woken = { count: 0 };
    const sleeping = requests.map((r) => sleep(60_000, [closing.signal, r.signal]).then(() => woken.count++));
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(1);
    for (const r of requests) expect(getEventListeners(r.signal, 'abort')).toHaveLength(1);
    // one request gone: only its own sleep ends, and its listener goes with it
    requests[0]!.abort();
    await sleeping[0];
    expect(woken.count).toBe(1);
    expect(getEventListeners(requests[0]!.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(1);
    // closing wakes every other sleeper, and leaves no listener anywhere
    closing.abort();
    await Promise.all(sleeping);
    expect(woken.count).toBe(12);
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
    for (const r of requests) expect(getEventListeners(r.signal, 'abort')).toHaveLength(0);
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
