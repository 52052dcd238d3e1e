import { AsyncLocalStorage } from 'node:async_hooks';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from './domain-error.ts';
import { sleep } from './sleep.ts';
import { progress } from './progress.ts';

export interface CallBudgetOptions {
  ratePerMinute: number;
  /** Longest anything waits for room in the budget before it is refused with Retry-After. */
  maxWaitMs: number;
  /** Callers that may wait for room at once; more are refused at once. */
  maxWaiters?: number;
  /** Told of every wait for room and every refusal (metrics). */
  onWait?: () => void;
  onRefusal?: () => void;
  /**
   * Replicas sharing one budget through Redis (docs/decisions/0011): counted there under `key`
   * (a hash of the credential); while Redis is away, this replica spends `ratePerMinute / replicas`.
   */
  shared?: { redis: Redis; key: string; replicas: number };
}

/** Calls set aside for one piece of work (a window): drawn by its calls, the rest given back. */
export interface Reservation {
  readonly remaining: number;
  /** Sets aside `n` more calls (a window learns its size from its first page). */
  extend(n: number): Promise<void>;
  /** Runs `work` so that the upstream calls it makes draw from this reservation. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives back what was not drawn; any later call of this work is refused, not spent. */
  close(): void;
}

const SECOND = 1000;

export const budgetRefusal = (calls: number, waitMs: number, ratePerMinute: number) => {
  const seconds = Math.max(1, Math.ceil(waitMs / SECOND));
  return new DomainError(
    'UPSTREAM_BUDGET',
    calls > ratePerMinute
      ? `This needs about ${calls} DMS calls, more than the whole call budget (${ratePerMinute} a minute): narrow the range.`
      : `This needs about ${calls} more DMS calls and the call budget (${ratePerMinute} a minute) ` +
          `has no room for them now: try again in ${seconds} s, or narrow the range.`,
    { retryAfterSeconds: seconds },
  );
};

/** Raised by a call of work whose reservation was closed (the work already failed). */
export class ReservationClosed extends Error {
  override readonly name = 'ReservationClosed';
}

/**
 * The upstream's call budget for one credential (docs/decisions/0006): `ratePerMinute` calls a
 * minute, counted by rate-limiter-flexible. Work that needs n calls reserves all n at once or
 * is refused; a lone call (a task detail, a retry past a reservation) takes one. Nothing waits
 * longer than `maxWaitMs`, at most `maxWaiters` wait at once, and a waiter that gives up
 * (abort) has taken nothing. With `shared`, the count is in Redis for every replica.
 */
export const createCallBudget = ({
  ratePerMinute,
  maxWaitMs,
  maxWaiters = 64,
  onWait,
  onRefusal,
  shared,
}: CallBudgetOptions) => {
  const share = shared ? Math.max(1, Math.floor(ratePerMinute / shared.replicas)) : ratePerMinute;
  const limiter = shared
    ? new RateLimiterRedis({
        storeClient: shared.redis,
        keyPrefix: 'dms-console:budget',
        points: ratePerMinute,
        duration: 60,
        // while Redis is away, each replica spends its own share, counted here (rate-limiter-flexible's insurance)
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points: share, duration: 60 }),
      })
    : new RateLimiterMemory({ points: ratePerMinute, duration: 60 });
  const KEY = shared?.key ?? 'calls';
  const ownShare = () => (shared && shared.redis.status !== 'ready' ? share : ratePerMinute);
  const current = new AsyncLocalStorage<ReservationState>();
  let waiters = 0;

  /** Takes `n` calls now if they fit; else how long until the budget renews (ms). */
  const tryTake = async (n: number): Promise<number> => {
    if (n <= 0) return 0;
    try {
      await limiter.consume(KEY, n);
      return 0;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // The limiter counts a refused consume: give it back, the refused work makes no call.
      await limiter.reward(KEY, n);
      return Math.max(1, error.msBeforeNext);
    }
  };

  /** Takes `n` calls, waiting for the budget to renew if that comes before `deadline`. */
  const take = async (n: number, deadline: number, signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      const wait = n > ratePerMinute ? 60_000 : await tryTake(n);
      if (wait === 0) return;
      if (n > ratePerMinute || Date.now() + wait > deadline || waiters >= maxWaiters) {
        onRefusal?.();
        throw budgetRefusal(n, wait, ratePerMinute);
      }
      onWait?.();
      waiters++;
      progress()?.waitBudget(n, wait);
      try {
        await sleep(wait, signal);
      } finally {
        waiters--;
      }
    }
  };

  interface ReservationState {
    left: number;
    closed: boolean;
    deadline: number;
  }

  const reserve = async (n: number, signal?: AbortSignal): Promise<Reservation> => {
    const state: ReservationState = { left: 0, closed: false, deadline: Date.now() + maxWaitMs };
    await take(n, state.deadline, signal);
    state.left = n;
    return {
      get remaining() {
        return state.left;
      },
      async extend(more: number) {
        if (state.closed) throw new ReservationClosed('the work this reservation was for has ended');
        await take(more, state.deadline, signal);
        state.left += more;
      },
      run: (work) => current.run(state, work),
      close() {
        if (state.closed) return;
        state.closed = true;
        const unused = state.left;
        state.left = 0;
        if (unused > 0) void limiter.reward(KEY, unused);
      },
    };
  };

  /** Before every upstream attempt (the DMS client's limiter). */
  const acquire = async (signal?: AbortSignal): Promise<void> => {
    const reservation = current.getStore();
    if (reservation?.closed) throw new ReservationClosed('not sent: the work it was for has already failed');
    if (reservation && reservation.left > 0) {
      reservation.left--;
      return;
    }
    // A retry past the reservation waits no later than the reserved work was promised.
    await take(1, reservation?.deadline ?? Date.now() + maxWaitMs, signal);
  };

  return {
    ratePerMinute,
    reserve,
    acquire,
    /** Calls left in the current minute. */
    async available(): Promise<number> {
      const res = await limiter.get(KEY);
      return res ? res.remainingPoints : ownShare();
    },
    get waiting() {
      return waiters;
    },
  };
};
export type CallBudget = ReturnType<typeof createCallBudget>;
