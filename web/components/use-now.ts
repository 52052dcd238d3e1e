import { useSyncExternalStore } from 'react';

// One ticker per interval for everything on screen that shows time passing.
interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}
const tickers = new Map<number, Ticker>();

const tickerFor = (every: number): Ticker => {
  let t = tickers.get(every);
  if (!t) {
    t = { now: Date.now(), listeners: new Set() };
    tickers.set(every, t);
  }
  return t;
};

const subscribeEvery = (every: number) => (listener: () => void) => {
  const t = tickerFor(every);
  t.listeners.add(listener);
  if (t.timer === undefined) t.now = Date.now();
  t.timer ??= setInterval(() => {
    t.now = Date.now();
    t.listeners.forEach((l) => l());
  }, every);
  return () => {
    t.listeners.delete(listener);
    if (t.listeners.size === 0 && t.timer !== undefined) {
      clearInterval(t.timer);
      t.timer = undefined;
    }
  };
};

const subscribers = new Map<number, ReturnType<typeof subscribeEvery>>();

/** The current time, re-read every `every` ms (15 s for "5 minutes ago", 1 s for a ticking elapsed time). */
export const useNow = (every = 15_000) => {
  let subscribe = subscribers.get(every);
  if (!subscribe) {
    subscribe = subscribeEvery(every);
    subscribers.set(every, subscribe);
  }
  return useSyncExternalStore(subscribe, () => tickerFor(every).now);
};
