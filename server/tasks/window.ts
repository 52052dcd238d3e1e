import { DEFAULT_RANGE, UNFINISHED_STATUSES } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import { type DmsClient, formatDmsTime } from '../dms/client.ts';
import { ApiFailure } from '../errors.ts';
import { toTask } from './normalise.ts';

export const PAGE_LIMIT = 100;
const SECOND = 1000;

/** What a window fetch needs from the upstream: a client and the credential's call budget. */
export interface WindowSource {
  client: DmsClient;
  budget?: { waitMsFor(calls: number): number; ratePerMinute: number } | undefined;
}

/** The window a request asks for: exact bounds (ms), and the cache key they share. */
export interface WindowTarget {
  instanceId: string;
  from: number;
  to: number;
  /** The span of a rolling range (`24h` …), undefined for an explicit from/to. */
  rollingMs?: number | undefined;
}

export interface WindowEntry {
  instanceId: string;
  from: number;
  to: number;
  rollingMs: number | undefined;
  /** The upstream listing is complete up to the end of this second (ms). */
  coveredUntil: number;
  /** Never changed once made: a refresh makes a new entry (query results are cached on it). */
  readonly tasks: readonly Task[];
  byId: Map<string, Task>;
  fetchedAt: number;
}

export interface WindowStoreOptions {
  /** How long a window answers without any upstream call. */
  ttlMs: number;
  /** Windows with more tasks are refused (narrow the range). */
  maxTasks: number;
  /** Longest a fetch may queue for the budget before it is refused with Retry-After. */
  maxWaitMs: number;
  concurrency?: number;
  /** How long a stale window stays as the base of an incremental refresh. */
  retainMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const UNFINISHED = new Set<string>(UNFINISHED_STATUSES);
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const createdMs = (t: Task) => Date.parse(t.createdAt);

/** Rolling ranges share a key for `step` ms (the end rounds up); explicit windows are exact. */
export const windowKeyFor = (
  instanceId: string,
  q: { range?: string | undefined; from?: string | undefined; to?: string | undefined },
  now: number,
  spanOf: (range: string) => number,
  step: number,
): WindowTarget => {
  if (q.from !== undefined && q.to !== undefined) return { instanceId, from: Date.parse(q.from), to: Date.parse(q.to) };
  const span = spanOf(q.range ?? DEFAULT_RANGE);
  const s = Math.max(SECOND, step);
  const to = Math.ceil(now / s) * s;
  return { instanceId, from: to - span, to, rollingMs: span };
};

const keyOf = (t: WindowTarget) => `${t.instanceId}|${t.from}|${t.to}`;

const budgetRefusal = (calls: number, waitMs: number, ratePerMinute: number) => {
  const seconds = Math.max(1, Math.ceil(waitMs / SECOND));
  return new ApiFailure(
    503,
    'UPSTREAM_BUDGET',
    `This window needs about ${calls} more DMS calls and the call budget (${ratePerMinute} a minute) ` +
      `has no room for them now: try again in ${seconds} s, or narrow the range.`,
    { retryAfterSeconds: seconds },
  );
};

/**
 * Whole windows of tasks, each fetched once with `end_time` pinned and shared: single flight
 * for concurrent requests, a short cache for sort/filter/page changes, and refreshes that only
 * list what is new and re-read what was unfinished.
 */
export const createWindowStore = (options: WindowStoreOptions) => {
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 4;
  const retainMs = options.retainMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 24;
  const entries = new Map<string, WindowEntry>();
  const inflight = new Map<string, Promise<WindowEntry>>();
  /**
   * Totals seen per key, so a refused window is refused again without spending a call; a hint is
   * trusted for one cache TTL, since tasks can be deleted upstream and the window shrink.
   */
  const sizeHints = new Map<string, { total: number; at: number }>();
  const hintFor = (key: string | undefined) => {
    const hint = key === undefined ? undefined : sizeHints.get(key);
    return hint && now() - hint.at < options.ttlMs ? hint.total : undefined;
  };

  const checkBudget = (source: WindowSource, calls: number) => {
    if (!source.budget || calls <= 0) return;
    const wait = source.budget.waitMsFor(calls);
    if (wait > options.maxWaitMs) throw budgetRefusal(calls, wait, source.budget.ratePerMinute);
  };
  const checkSize = (total: number) => {
    if (total > options.maxTasks)
      throw new ApiFailure(
        422,
        'WINDOW_TOO_LARGE',
        `This window holds ${total} tasks, more than the ${options.maxTasks} this console reads at once: narrow the range.`,
      );
  };

  /** Every task created in [beginMs, endMs] (whole seconds, as DMS filters), in pages of 100. */
  const list = async (source: WindowSource, instanceId: string, beginMs: number, endMs: number, hintKey?: string) => {
    const hint = hintFor(hintKey);
    if (hint !== undefined) checkSize(hint);
    checkBudget(source, hint === undefined ? 1 : Math.max(1, Math.ceil(hint / PAGE_LIMIT)));
    const beginTime = formatDmsTime(beginMs);
    const endTime = formatDmsTime(endMs);
    const page = (start: number) =>
      source.client.listTasks({ instanceId, start, limit: PAGE_LIMIT, beginTime, endTime });
    const first = await page(1);
    if (hintKey !== undefined) sizeHints.set(hintKey, { total: first.task_count, at: now() });
    checkSize(first.task_count);
    const starts: number[] = [];
    for (let start = 1 + PAGE_LIMIT; start <= first.task_count; start += PAGE_LIMIT) starts.push(start);
    checkBudget(source, starts.length);
    const rest: Awaited<ReturnType<typeof page>>[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, starts.length) }, async () => {
        // After one page fails the window is lost anyway: spend no more of the budget on it.
        while (next < starts.length && !failure) {
          const index = next++;
          try {
            rest[index] = await page(starts[index]!);
          } catch (error) {
            failure ??= { error };
          }
        }
      }),
    );
    // Thrown only once every worker has stopped, so no call outlives the failed fetch.
    if (failure) throw failure.error;
    const byId = new Map<string, Task>();
    for (const p of [first, ...rest]) for (const t of p.tasks) if (!byId.has(t.id)) byId.set(t.id, toTask(t));
    // With end_time in a finished second the list cannot grow; a mismatch means it changed under us.
    if (byId.size !== first.task_count || rest.some((p) => p.task_count !== first.task_count)) {
      throw new ApiFailure(
        502,
        'WINDOW_CHANGED',
        'The DMS task list changed while it was being read (tasks deleted?); try again.',
      );
    }
    return [...byId.values()];
  };

  /** The last second whose tasks can no longer change the listing: never the current one. */
  const pinnedEnd = (to: number) => Math.min(floorSecond(to), floorSecond(now()) - SECOND);

  const within = (t: WindowTarget) => (task: Task) => {
    const c = createdMs(task);
    return c >= t.from && c <= t.to;
  };

  const makeEntry = (target: WindowTarget, tasks: Task[], coveredUntil: number): WindowEntry => {
    const inRange = tasks.filter(within(target));
    return {
      instanceId: target.instanceId,
      from: target.from,
      to: target.to,
      rollingMs: target.rollingMs,
      coveredUntil,
      tasks: inRange,
      byId: new Map(inRange.map((t) => [t.id, t])),
      fetchedAt: now(),
    };
  };

  const fetchWhole = async (source: WindowSource, target: WindowTarget): Promise<WindowEntry> => {
    const end = pinnedEnd(target.to);
    const tasks =
      end < floorSecond(target.from) ? [] : await list(source, target.instanceId, target.from, end, keyOf(target));
    return makeEntry(target, tasks, end + SECOND - 1);
  };

  const refresh = async (source: WindowSource, base: WindowEntry, target: WindowTarget): Promise<WindowEntry> => {
    const keep = base.tasks.filter(within(target));
    const unfinished = keep.filter((t) => UNFINISHED.has(t.status));
    const end = pinnedEnd(target.to);
    const nothingNew = base.coveredUntil >= Math.min(target.to, end + SECOND - 1);
    if (unfinished.length === 0 && nothingNew) return makeEntry(target, keep, base.coveredUntil);

    // New tasks are those created after the newest one known (or after the window's start).
    const newest = keep.reduce((m, t) => Math.max(m, createdMs(t)), target.from);
    let begin = floorSecond(Math.max(newest, target.from));
    const shows: Task[] = [];
    if (unfinished.length > 0) {
      const oldest = floorSecond(Math.min(...unfinished.map(createdMs)));
      const narrow = Math.max(1, Math.ceil(keep.filter((t) => createdMs(t) >= oldest).length / PAGE_LIMIT));
      // One narrow listing from the oldest unfinished task, or one ShowBackgroundTask each: the cheaper.
      if (narrow <= unfinished.length) begin = Math.min(begin, oldest);
      else {
        checkBudget(source, unfinished.length + 1);
        for (const t of unfinished.filter((u) => createdMs(u) < begin)) {
          const fresh = await source.client.showTask(target.instanceId, t.id);
          if (fresh) shows.push(toTask(fresh));
          else keep.splice(keep.indexOf(t), 1);
        }
      }
    }
    const listed = end < begin ? [] : await list(source, target.instanceId, begin, end);
    const merged = new Map<string, Task>();
    for (const t of keep) if (createdMs(t) < begin) merged.set(t.id, t);
    for (const t of shows) merged.set(t.id, t);
    for (const t of listed) merged.set(t.id, t);
    checkSize(merged.size);
    return makeEntry(target, [...merged.values()], end + SECOND - 1);
  };

  const evict = (keepKey: string, made: WindowEntry) => {
    const t = now();
    for (const [k, e] of entries) {
      if (k === keepKey) continue;
      // Only an older end is superseded: a slow fetch that finishes late must not drop a newer window.
      const supersededRolling =
        e.rollingMs !== undefined &&
        e.rollingMs === made.rollingMs &&
        e.instanceId === made.instanceId &&
        e.to < made.to;
      if (supersededRolling || t - e.fetchedAt > retainMs) entries.delete(k);
    }
    while (entries.size > maxEntries) {
      const oldest = [...entries.entries()].reduce((a, b) => (b[1].fetchedAt < a[1].fetchedAt ? b : a));
      entries.delete(oldest[0]);
    }
    if (sizeHints.size > 1000) sizeHints.clear();
  };

  // An idle console must give back what a burst of large windows took, not wait for the next read.
  const sweeper = setInterval(
    () => {
      const t = now();
      for (const [k, e] of entries) if (t - e.fetchedAt > retainMs) entries.delete(k);
    },
    Math.max(1_000, Math.min(retainMs, 60_000)),
  );
  sweeper.unref();

  /** The best cached window to refresh into `target`: it must cover the target's start. */
  const baseFor = (target: WindowTarget): WindowEntry | undefined => {
    const exact = entries.get(keyOf(target));
    if (exact) return exact;
    let best: WindowEntry | undefined;
    for (const e of entries.values()) {
      if (e.instanceId !== target.instanceId || now() - e.fetchedAt > retainMs) continue;
      if (e.from <= target.from && e.to <= target.to && e.coveredUntil > target.from && (!best || e.to > best.to))
        best = e;
    }
    return best;
  };

  return {
    /** The whole window, from the cache when fresh, else shared with any fetch already running. */
    get(source: WindowSource, target: WindowTarget): Promise<WindowEntry> {
      const key = keyOf(target);
      const cached = entries.get(key);
      if (cached && now() - cached.fetchedAt < options.ttlMs) return Promise.resolve(cached);
      const running = inflight.get(key);
      if (running) return running;
      const base = baseFor(target);
      const promise = (base ? refresh(source, base, target) : fetchWhole(source, target))
        .then((entry) => {
          entries.set(key, entry);
          evict(key, entry);
          return entry;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
    /** A task from any cached window of the instance (unfinished ones only from a fresh window). */
    findTask(instanceId: string, taskId: string): Task | undefined {
      const t = now();
      for (const e of entries.values()) {
        if (e.instanceId !== instanceId) continue;
        const task = e.byId.get(taskId);
        if (task && (!UNFINISHED.has(task.status) || t - e.fetchedAt < options.ttlMs)) return task;
      }
      return undefined;
    },
    clear() {
      entries.clear();
      sizeHints.clear();
    },
    close() {
      clearInterval(sweeper);
      entries.clear();
    },
  };
};
export type WindowStore = ReturnType<typeof createWindowStore>;
