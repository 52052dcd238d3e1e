import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('lets a minute of calls through at once, then none until tokens refill', async () => {
    let t = 0;
    const bucket = createTokenBucket(100, () => t);
    for (let i = 0; i < 100; i++) await bucket.acquire();
    expect(bucket.available).toBe(0);
    expect(bucket.waitMsFor(1)).toBe(600);
    expect(bucket.waitMsFor(100)).toBe(60_000);
    t += 6_000;
    expect(bucket.available).toBe(10);
    expect(bucket.waitMsFor(10)).toBe(0);
  });

  it('never banks more than a minute of calls', () => {
    let t = 0;
    const bucket = createTokenBucket(100, () => t);
    t += 3_600_000;
    expect(bucket.available).toBe(100);
  });

  it('queues callers in order and releases them at the configured rate', async () => {
    // 6000 a minute: one call every 10 ms once the first minute's tokens are spent
    const bucket = createTokenBucket(6_000);
    for (let i = 0; i < 6_000; i++) await bucket.acquire();
    const order: number[] = [];
    const started = performance.now();
    await Promise.all([0, 1, 2, 3, 4].map((i) => bucket.acquire().then(() => order.push(i))));
    const elapsed = performance.now() - started;
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(elapsed).toBeGreaterThanOrEqual(40);
  });

  it('drops a queued caller whose signal aborts, without spending its token', async () => {
    const bucket = createTokenBucket(60, () => 0);
    for (let i = 0; i < 60; i++) await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(controller.signal);
    expect(bucket.waitMsFor(1)).toBe(2_000);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(bucket.waitMsFor(1)).toBe(1_000);
  });

  it('waitMsFor is exactly the time for the missing tokens at the rate (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        (rate, spent, want) => {
          const bucket = createTokenBucket(rate, () => 0);
          const n = Math.min(spent, rate);
          for (let i = 0; i < n; i++) void bucket.acquire();
          const missing = want - (rate - n);
          expect(bucket.waitMsFor(want)).toBe(missing <= 0 ? 0 : Math.ceil(missing / (rate / 60_000)));
        },
      ),
    );
  });
});
