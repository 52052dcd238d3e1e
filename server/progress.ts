import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a window fetch is doing now, for the SPA to say while it waits (docs/API.md,
 * `GET /api/instances/{instanceId}/progress`): how many pages are read of how many, and what it
 * waits for: an answer (until its timeout), room in the call budget, or the pause before retrying
 * a failed call.
 */
export interface FetchProgress {
  /** ISO-8601. */
  startedAt: string;
  pagesRead: number;
  /** Known once the first page told the total. */
  pages: number | null;
  waiting:
    | null
    | { for: 'answer'; operation: string; attempt: number; until: string }
    | { for: 'budget'; calls: number; until: string }
    | { for: 'retry'; operation: string; attempt: number; after: RetryCause; until: string };
}

/** Why a call is retried, as its error's kind names it. */
export type RetryCause = 'timeout' | 'unreachable' | 'throttled' | 'error';

export interface ProgressTracker {
  readonly current: FetchProgress;
  /** The first page told the total: `pages` in all. */
  total(pages: number): void;
  pageRead(): void;
  /** A call is sent: its answer is awaited until its timeout. */
  waitAnswer(operation: string, attempt: number, timeoutMs: number): void;
  waitBudget(calls: number, ms: number): void;
  waitRetry(operation: string, attempt: number, after: RetryCause, ms: number): void;
}

export const createProgressTracker = (now: () => number = Date.now): ProgressTracker => {
  const current: FetchProgress = { startedAt: new Date(now()).toISOString(), pagesRead: 0, pages: null, waiting: null };
  const until = (ms: number) => new Date(now() + ms).toISOString();
  return {
    current,
    total(pages) {
      current.pages = pages;
    },
    pageRead() {
      current.pagesRead++;
      current.waiting = null;
    },
    waitAnswer(operation, attempt, timeoutMs) {
      current.waiting = { for: 'answer', operation, attempt, until: until(timeoutMs) };
    },
    waitBudget(calls, ms) {
      current.waiting = { for: 'budget', calls, until: until(ms) };
    },
    waitRetry(operation, attempt, after, ms) {
      current.waiting = { for: 'retry', operation, attempt, after, until: until(ms) };
    },
  };
};

const store = new AsyncLocalStorage<ProgressTracker>();

/** Runs a window fetch so that the budget and the DMS client below it report to `tracker`. */
export const withProgress = <T>(tracker: ProgressTracker, work: () => Promise<T>): Promise<T> =>
  store.run(tracker, work);

/** The tracker of the fetch this code runs in, if any (a lone call outside a window has none). */
export const progress = (): ProgressTracker | undefined => store.getStore();
