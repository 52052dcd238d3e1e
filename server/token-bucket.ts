/**
 * The upstream's call budget for one credential: `ratePerMinute` tokens, refilled continuously,
 * at most a minute's worth banked. Every upstream attempt draws one; callers queue in order.
 */
export const createTokenBucket = (ratePerMinute: number, now: () => number = Date.now) => {
  const capacity = ratePerMinute;
  const perMs = ratePerMinute / 60_000;
  let tokens = capacity;
  let at = now();
  const queue: { resolve: () => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - at) * perMs);
    at = t;
  };

  const pump = () => {
    timer = undefined;
    refill();
    while (queue.length > 0 && tokens >= 1) {
      tokens -= 1;
      queue.shift()!.resolve();
    }
    if (queue.length > 0) timer = setTimeout(pump, Math.max(1, Math.ceil((1 - tokens) / perMs)));
  };

  /** Milliseconds until `n` more calls could start, counting those already queued. */
  const waitMsFor = (n: number): number => {
    refill();
    const missing = queue.length + n - tokens;
    return missing <= 0 ? 0 : Math.ceil(missing / perMs);
  };

  const acquire = (signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    refill();
    if (queue.length === 0 && tokens >= 1) {
      tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(entry);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const entry = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      queue.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      timer ??= setTimeout(pump, Math.max(1, Math.ceil((1 - tokens) / perMs)));
    });
  };

  return {
    acquire,
    waitMsFor,
    get available() {
      refill();
      return Math.max(0, Math.floor(tokens) - queue.length);
    },
    ratePerMinute,
  };
};
export type TokenBucket = ReturnType<typeof createTokenBucket>;
