import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallBudget, ReservationClosed } from './budget.ts';
import { DomainError } from './domain-error.ts';

// rate-limiter-flexible counts with Date.now and setTimeout: fake timers drive both.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const refusalOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
};

describe('call budget', () => {
  it('reserves n calls at once or none, counting what admitted work has still to make', async () => {
    const budget = createCallBudget({ ratePerMinute: 10, maxWaitMs: 0 });
    const first = await budget.reserve(6);
    // 6 reserved and none made yet: 5 more do not fit, 4 do.
    const refused = await refusalOf(budget.reserve(5));
    expect(refused.code).toBe('UPSTREAM_BUDGET');
    expect(refused.extra.retryAfterSeconds).toBe(60);
    expect(await budget.available()).toBe(4);
    const second = await budget.reserve(4);
    expect(await budget.available()).toBe(0);
    // Calls inside a reservation draw from it, not from the budget.
    await first.run(async () => {
      for (let i = 0; i < 6; i++) await budget.acquire();
    });
    expect(first.remaining).toBe(0);
    second.close();
    expect(await budget.available()).toBe(4);
  });

  it('gives back what a reservation did not draw, and refuses calls of work that was closed', async () => {
    const budget = createCallBudget({ ratePerMinute: 10, maxWaitMs: 0 });
    const r = await budget.reserve(8);
    await r.run(() => budget.acquire());
    r.close();
    expect(await budget.available()).toBe(9);
    await expect(r.run(() => budget.acquire())).rejects.toBeInstanceOf(ReservationClosed);
    await expect(r.extend(1)).rejects.toBeInstanceOf(ReservationClosed);
    expect(await budget.available()).toBe(9);
  });

  it('refuses at once work larger than the whole budget', async () => {
    const budget = createCallBudget({ ratePerMinute: 10, maxWaitMs: 600_000 });
    const refused = await refusalOf(budget.reserve(11));
    expect(refused.message).toMatch(/more than the whole call budget/);
    expect(await budget.available()).toBe(10);
  });

  it('waits for the budget to renew only within maxWaitMs, and tells of each wait and refusal', async () => {
    const told = { waits: 0, refusals: 0 };
    const budget = createCallBudget({
      ratePerMinute: 2,
      maxWaitMs: 60_000,
      onWait: () => told.waits++,
      onRefusal: () => told.refusals++,
    });
    await budget.acquire();
    await budget.acquire();
    let done = false;
    const waiting = budget.acquire().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_001);
    await waiting;
    expect(done).toBe(true);
    expect(await budget.available()).toBe(1);
    expect(told).toEqual({ waits: 1, refusals: 0 });
    await refusalOf(budget.reserve(3));
    expect(told).toEqual({ waits: 1, refusals: 1 });

    const short = createCallBudget({ ratePerMinute: 1, maxWaitMs: 30_000 });
    await short.acquire();
    const refused = await refusalOf(short.acquire());
    expect(refused.extra.retryAfterSeconds).toBe(60);
  });

  it('lets a bounded number wait, and a waiter that gives up takes nothing', async () => {
    const budget = createCallBudget({ ratePerMinute: 1, maxWaitMs: 60_000, maxWaiters: 2 });
    await budget.acquire();
    const a = new AbortController();
    const b = new AbortController();
    const first = budget.acquire(a.signal);
    const second = budget.acquire(b.signal);
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.waiting).toBe(2);
    // The queue is full: a third is refused at once.
    await refusalOf(budget.acquire());
    a.abort(new Error('client went away'));
    b.abort(new Error('client went away'));
    await expect(first).rejects.toThrow('client went away');
    await expect(second).rejects.toThrow('client went away');
    expect(budget.waiting).toBe(0);
    await vi.advanceTimersByTimeAsync(60_001);
    expect(await budget.available()).toBe(1);
  });

  it('never grants more than the budget in a minute, whatever the mix of work (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.record({ calls: fc.integer({ min: 0, max: 60 }), used: fc.nat(), close: fc.boolean() }), {
          maxLength: 20,
        }),
        async (rate, works) => {
          const budget = createCallBudget({ ratePerMinute: rate, maxWaitMs: 0 });
          let spent = 0;
          let held = 0;
          for (const w of works) {
            const r = await budget.reserve(w.calls).catch(() => undefined);
            if (!r) continue;
            const used = w.calls === 0 ? 0 : w.used % (w.calls + 1);
            await r.run(async () => {
              for (let i = 0; i < used; i++) await budget.acquire();
            });
            spent += used;
            if (w.close) r.close();
            else held += w.calls - used;
            expect(spent + held).toBeLessThanOrEqual(rate);
            expect(await budget.available()).toBe(rate - spent - held);
          }
          await vi.advanceTimersByTimeAsync(60_001);
        },
      ),
      { numRuns: 60 },
    );
  });
});
