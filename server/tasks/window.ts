import { LRUCache } from 'lru-cache';
import { DEFAULT_RANGE, isUnfinished } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import { type DmsClient, formatDmsTime } from '../dms/client.ts';
import type { CallBudget, Reservation } from '../budget.ts';
import { DomainError } from '../domain-error.ts';
import {
  createProgressTracker,
  type FetchProgress,
  progress,
  type ProgressTracker,
  withProgress,
} from '../progress.ts';
import { isTaskId, taskKey, toTask } from './normalise.ts';

export const PAGE_LIMIT = 100;
const SECOND = 1000;

/** What a window fetch needs from the upstream: a client and the credential's call budget. */
export interface WindowSource {
  client: DmsClient;
  budget?: Pick<CallBudget, 'reserve'> | undefined;
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
  /** When the upstream's count over the known span last matched this window's (deleted tasks show so). */
  reconciledAt: number;
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
  concurrency?: number;
  /** How long a stale window stays as the base of an incremental refresh. */
  retainMs?: number;
  /** What the cache may hold, windows and what is derived from them together (bytes, estimated). */
  maxBytes?: number;
  /**
   * How often a refreshed window checks that no task it holds was deleted upstream: one `limit=1`
   * count over the span it knows, and a whole re-read only when the count differs. Default 2 min.
   */
  reconcileMs?: number | undefined;
  /** Minutes east of UTC at which the upstream reads begin_time/end_time (0: UTC, as documented). */
  zoneOffsetMin?: number | undefined;
  now?: () => number;
  /**
   * Hears of every listing that answered tasks outside the range it asked (docs/UPSTREAM.md,
   * "Time filters"): they are left out of the window, and this says how many and why, likely.
   */
  onOutOfRange?: (report: OutOfRangeReport) => void;
  /**
   * Replicas' shared windows (server/cluster.ts): runs a fetch of `key` once across replicas, or
   * answers another replica's fresh window; absent, every fetch is this process's own.
   */
  shared?: ((key: string, ttlMs: number, fetch: () => Promise<WindowEntry>) => Promise<WindowEntry>) | undefined;
  /** Told of every window asked for (metrics): whether it was fresh in this cache. */
  onLookup?: (hit: boolean) => void;
  /** Told of every window served: how far behind DMS it is (ms its listing ends before the window, or now, does). */
  onServe?: (lagMs: number) => void;
}

/** Tasks a listing answered outside the [begin, end] it asked, and what that suggests. */
export interface OutOfRangeReport {
  endpoint: string;
  projectId: string;
  instanceId: string;
  /** The range asked (ISO-8601, UTC; the end includes the extra second read for an exclusive end). */
  begin: string;
  end: string;
  /** Tasks listed in all, and those created before `begin` and after `end`. */
  listed: number;
  before: number;
  after: number;
  /** A zone offset, when the tasks fit one; else the upstream answered wider than asked. */
  likelyCause: 'zone-offset' | 'unknown';
  /**
   * The zone offset (minutes east of UTC) the listed tasks fit best: the upstream read
   * begin_time/end_time as local times there (DMS_TIME_ZONE_OFFSET_MIN then corrects it).
   */
  offsetMin: number | null;
}

/**
 * The zone offset (ms) in [low, high] a clock is most likely set to: whole hours first, then half
 * and quarter hours, the one nearest the middle; undefined when none fits.
 */
export const likelyOffset = (low: number, high: number): number | undefined => {
  for (const step of [60, 30, 15].map((m) => m * 60_000)) {
    const first = Math.ceil(low / step) * step;
    if (first > high) continue;
    const last = Math.floor(high / step) * step;
    const middle = Math.round((low + high) / 2 / step) * step;
    return Math.min(last, Math.max(first, middle)) + 0; // never -0
  }
  return undefined;
};

const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const createdMs = (t: Task) => Date.parse(t.createdAt);

/**
 * The last target made from each query object, by instance: a validated query is one frozen
 * object per distinct query string (server/validate.ts), so a warm request finds its target here
 * and, through it, the cache key made once (windowCacheKey), not two dates parsed and a key built.
 */
const lastTargets = new WeakMap<object, { instanceId: string; step: number; target: Readonly<WindowTarget> }>();

/**
 * Rolling ranges share a key for `step` ms (the end rounds up); explicit windows are whole seconds.
 * The target is shared by the requests that name it: never change it.
 */
export const windowKeyFor = (
  instanceId: string,
  q: { range?: string | undefined; from?: string | undefined; to?: string | undefined },
  now: number,
  spanOf: (range: string) => number,
  step: number,
): Readonly<WindowTarget> => {
  const s = Math.max(SECOND, step);
  const explicit = q.from !== undefined && q.to !== undefined;
  const to = explicit ? 0 : Math.ceil(now / s) * s;
  const last = lastTargets.get(q);
  if (last?.instanceId === instanceId && last.step === s && (explicit || last.target.to === to)) return last.target;
  let target: WindowTarget;
  // DMS filters by the second: a window holds whole seconds, so bounds in one second share a key
  if (explicit)
    target = { instanceId, from: floorSecond(Date.parse(q.from!)), to: floorSecond(Date.parse(q.to!)) + SECOND - 1 };
  else {
    const span = spanOf(q.range ?? DEFAULT_RANGE);
    target = { instanceId, from: to - span, to, rollingMs: span };
  }
  Object.freeze(target);
  lastTargets.set(q, { instanceId, step: s, target });
  return target;
};

/** An explicit window ends at the last millisecond of its second: shown (and pinned) as that second. */
export const windowJson = (e: WindowEntry) => ({
  from: new Date(e.from).toISOString(),
  to: new Date(e.to - (e.to % 1000)).toISOString(),
});

const keyOf = (t: WindowTarget) => `${t.instanceId}|${t.from}|${t.to}`;
/** A window's key in the one cache (`w|…`), made once per target object. */
const windowCacheKeys = new WeakMap<WindowTarget, string>();
const windowCacheKey = (t: WindowTarget) => {
  let key = windowCacheKeys.get(t);
  if (key === undefined) windowCacheKeys.set(t, (key = `w|${keyOf(t)}`));
  return key;
};
const laneOf = (t: WindowTarget) => `${t.instanceId}|${t.rollingMs}`;

type Cached =
  | { kind: 'window'; entry: WindowEntry; bytes: number }
  | { kind: 'derived'; entry: WindowEntry; value: unknown; bytes: number }
  | { kind: 'held'; group: string; value: unknown; bytes: number };

/** What a task costs in memory, about: its strings (UTF-16 at worst) and the objects around them. */
export const taskBytes = (t: Task) =>
  2 * (t.id.length + t.name.length + t.userName.length + t.params.length + t.status.length) + 400;
/** A window's tasks and its by-id map. */
const windowBytes = (tasks: readonly Task[]) => tasks.reduce((n, t) => n + taskBytes(t) + 80, 1_000);

/** Work with no budget to draw from (tests, tools): nothing to reserve, nothing to refuse. */
const unlimited = (): Reservation => ({
  remaining: Infinity,
  extend: async () => {},
  run: (work) => work(),
  close() {},
});
const reserve = (source: WindowSource, calls: number, signal?: AbortSignal) =>
  source.budget?.reserve(calls, signal) ?? Promise.resolve(unlimited());
const pagesOf = (total: number) => Math.max(1, Math.ceil(total / PAGE_LIMIT));

/**
 * Whole windows of tasks, each fetched once with `end_time` pinned and shared: single flight
 * for concurrent requests, a short cache for sort/filter/page changes, and refreshes that only
 * list what is new and re-read what was unfinished.
 */
export const createWindowStore = (options: WindowStoreOptions) => {
  const now = options.now ?? Date.now;
  /** How far from UTC the upstream reads begin_time/end_time (DMS_TIME_ZONE_OFFSET_MIN). */
  const zoneMs = (options.zoneOffsetMin ?? 0) * 60_000;
  const concurrency = options.concurrency ?? 8;
  const retainMs = options.retainMs ?? 10 * 60_000;
  const reconcileMs = options.reconcileMs ?? 120_000;
  /**
   * One cache, bounded in bytes: windows (`w|…`) and what routes derive from them (`d|…`: query
   * results, page bodies), so a window and its derived values are counted and evicted together.
   */
  const cache = new LRUCache<string, Cached>({
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (v) => Math.max(1, v.bytes),
    // A window's derived values go with it (disposeAfter may change the cache; dispose may not).
    disposeAfter: (v, key) => {
      if (v.kind === 'window') {
        const keys = derivedOf.get(v.entry);
        derivedOf.delete(v.entry);
        for (const k of keys ?? []) cache.delete(k);
      } else if (v.kind === 'derived') derivedOf.get(v.entry)?.delete(key);
      else {
        const keys = heldIn.get(v.group);
        keys?.delete(key);
        if (keys?.size === 0) heldIn.delete(v.group);
      }
    },
  });
  const derivedOf = new Map<WindowEntry, Set<string>>();
  /** Keys of the values derived from several windows (`h|…`), by the group that drops them together. */
  const heldIn = new Map<string, Set<string>>();
  // each window's number (derived keys) and cache key, made once: derive runs on every warm answer
  const entryIds = new WeakMap<WindowEntry, { id: number; key: string }>();
  let nextEntryId = 0;
  /** Windows alone, as the rest of the store sees them. */
  const entries = {
    get: (key: string) => {
      const v = cache.get(`w|${key}`);
      return v?.kind === 'window' ? v.entry : undefined;
    },
    set: (key: string, entry: WindowEntry) => {
      cache.delete(`w|${key}`);
      cache.set(`w|${key}`, { kind: 'window', entry, bytes: windowBytes(entry.tasks) });
    },
    delete: (key: string) => cache.delete(`w|${key}`),
    *[Symbol.iterator](): Generator<[string, WindowEntry]> {
      for (const [k, v] of cache.entries()) if (v.kind === 'window') yield [k.slice(2), v.entry];
    },
    values() {
      return [...this].map(([, e]) => e);
    },
  };
  /**
   * Fetches under way: shared by the requests that wait for them, each with its progress, and
   * aborted when the last waiter leaves (no call is spent for nobody).
   */
  interface Flight {
    key: string;
    /** False while it waits for the previous key of its rolling range. */
    started: boolean;
    promise: Promise<WindowEntry>;
    tracker: ProgressTracker;
    controller: AbortController;
    waiters: number;
  }
  const inflight = new Map<string, Flight>();
  /** The flight each rolling range is fetching now, for progress asked with a key a step away. */
  const laneFlights = new Map<string, Flight>();
  /** One waiter on a flight; one without a signal never leaves. */
  const join = (flight: Flight, signal: AbortSignal | undefined): Promise<WindowEntry> => {
    if (!signal) {
      flight.waiters++;
      return flight.promise;
    }
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    flight.waiters++;
    return new Promise<WindowEntry>((resolve, reject) => {
      const leave = () => {
        flight.waiters--;
        reject(signal.reason as Error);
        if (flight.waiters === 0) {
          // a request arriving now starts afresh rather than joining the abandoned fetch
          if (inflight.get(flight.key) === flight) inflight.delete(flight.key);
          flight.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', leave, { once: true });
      flight.promise.then(
        (entry) => {
          signal.removeEventListener('abort', leave);
          resolve(entry);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error as Error);
        },
      );
    });
  };
  /** The newest fetch of each rolling range (instance and span). */
  const lanes = new Map<string, Promise<WindowEntry>>();
  /**
   * Totals seen per key, so a refused window is refused again without spending a call; a hint is
   * trusted for one cache TTL, since tasks can be deleted upstream and the window shrink.
   */
  const sizeHints = new Map<string, { total: number; at: number }>();
  const hintFor = (key: string | undefined) => {
    const hint = key === undefined ? undefined : sizeHints.get(key);
    return hint && now() - hint.at < options.ttlMs ? hint.total : undefined;
  };

  const checkSize = (total: number) => {
    if (total > options.maxTasks)
      throw new DomainError(
        'WINDOW_TOO_LARGE',
        `This window holds ${total} tasks, more than the ${options.maxTasks} this console reads at once: narrow the range.`,
      );
  };

  /**
   * Every task created in [beginMs, endMs] (whole seconds, as DMS filters), in pages of 100, every
   * call reserved before the first is made (`reservation`, when the caller holds one, pays the first page).
   */
  const list = async (
    source: WindowSource,
    instanceId: string,
    beginMs: number,
    endMs: number,
    {
      hintKey,
      reservation: held,
      signal,
    }: { hintKey?: string; reservation?: Reservation; signal?: AbortSignal | undefined } = {},
  ) => {
    const hint = hintFor(hintKey);
    if (hint !== undefined) checkSize(hint);
    // A held reservation pays this listing's first page; a hint reserves the whole window up front.
    const reserved = held ? 1 : hint === undefined ? 1 : pagesOf(hint);
    const reservation = held ?? (await reserve(source, reserved, signal));
    try {
      return await reservation.run(() =>
        listReserved(source, instanceId, beginMs, endMs, { reservation, reserved, hintKey, signal }),
      );
    } finally {
      // What a smaller window or a failed one did not draw goes back to the budget.
      if (!held) reservation.close();
    }
  };

  const listReserved = async (
    source: WindowSource,
    instanceId: string,
    beginMs: number,
    endMs: number,
    {
      reservation,
      reserved,
      hintKey,
      signal,
    }: { reservation: Reservation; reserved: number; hintKey: string | undefined; signal: AbortSignal | undefined },
  ) => {
    // One second past the end is asked too, so an upstream whose end_time is exclusive still
    // answers the window's last second; that extra second is then left out here.
    const askedBegin = floorSecond(beginMs);
    const askedEnd = floorSecond(endMs) + 2 * SECOND - 1;
    const beginTime = formatDmsTime(askedBegin + zoneMs);
    const endTime = formatDmsTime(floorSecond(endMs) + SECOND + zoneMs);
    // the client asks with the paging parameter this endpoint honours (docs/UPSTREAM.md, "Paging")
    const page = async (start: number) => {
      const answer = await source.client.listTaskPage({
        instanceId,
        index: start - 1,
        limit: PAGE_LIMIT,
        beginTime,
        endTime,
        signal,
      });
      progress()?.pageRead();
      // Normalised as it comes, while the other pages are in flight: not all at once after the last.
      return {
        count: answer.task_count,
        tasks: answer.tasks.map((t) => {
          const task = toTask(t);
          return { key: taskKey(task), task };
        }),
      };
    };
    const first = await page(1);
    progress()?.total(pagesOf(first.count));
    if (hintKey !== undefined) sizeHints.set(hintKey, { total: first.count, at: now() });
    checkSize(first.count);
    const starts: number[] = [];
    for (let start = 1 + PAGE_LIMIT; start <= first.count; start += PAGE_LIMIT) starts.push(start);
    // All the rest fit the budget now, or none is asked for: the window is refused having spent one call.
    // (plus the one call that learns the endpoint's paging, while it is not known)
    const learning = starts.length > 0 && source.client.paging.convention() === null ? 1 : 0;
    await reservation.extend(Math.max(0, 1 + starts.length + learning - reserved));
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
            // Retries of the other pages in flight are refused, not sent.
            reservation.close();
          }
        }
      }),
    );
    // Thrown only once every worker has stopped, so no call outlives the failed fetch.
    if (failure) throw failure.error;
    // Offset paging over a live list repeats a task on the next page: each is kept once.
    const byId = new Map<string, Task>();
    for (const p of [first, ...rest]) for (const { key, task } of p.tasks) if (!byId.has(key)) byId.set(key, task);
    // With end_time in a finished second the list cannot grow; a mismatch means it changed under
    // us. Rows, not distinct ids, are counted: an id DMS lists twice is one task, not a change.
    const rows = [first, ...rest].reduce((n, p) => n + p.tasks.length, 0);
    if (rows !== first.count || rest.some((p) => p.count !== first.count)) {
      throw new DomainError(
        'WINDOW_CHANGED',
        'The DMS task list changed while it was being read (tasks deleted?); try again.',
      );
    }
    return inAsked(source, instanceId, [...byId.values()], askedBegin, askedEnd, floorSecond(endMs) + SECOND - 1);
  };

  /**
   * The tasks created in [begin, end]; any listed outside [begin, askedEnd] is reported (a zone
   * offset shows up exactly so), never kept silently. Unreadable times are kept (shown raw).
   */
  const inAsked = (
    source: WindowSource,
    instanceId: string,
    tasks: Task[],
    begin: number,
    askedEnd: number,
    end: number,
  ): Task[] => {
    let before = 0;
    let after = 0;
    let oldest = Infinity;
    let newest = -Infinity;
    const kept: Task[] = [];
    for (const t of tasks) {
      const c = createdMs(t);
      if (Number.isNaN(c)) {
        kept.push(t);
        continue;
      }
      oldest = Math.min(oldest, c);
      newest = Math.max(newest, c);
      if (c < begin) before++;
      else if (c > askedEnd) after++;
      else if (c <= end) kept.push(t);
    }
    if (before + after > 0) {
      // The upstream answered [begin − z, askedEnd − z] for its zone offset z: the tasks bound z.
      const offset = likelyOffset(begin - oldest, askedEnd - newest);
      options.onOutOfRange?.({
        endpoint: source.client.endpoint,
        projectId: source.client.projectId,
        instanceId,
        begin: new Date(begin).toISOString(),
        end: new Date(askedEnd).toISOString(),
        listed: tasks.length,
        before,
        after,
        ...(offset === undefined
          ? { likelyCause: 'unknown', offsetMin: null }
          : { likelyCause: 'zone-offset', offsetMin: (options.zoneOffsetMin ?? 0) + offset / 60_000 }),
      });
    }
    return kept;
  };

  /**
   * The last second whose tasks can no longer change the listing: never the current one, nor
   * the one before (the listing reads one second past its end).
   */
  const pinnedEnd = (to: number) => Math.min(floorSecond(to), floorSecond(now()) - 2 * SECOND);

  /** Whether a window knows every task of `target`: it starts no later and is read up to its end. */
  const covers = (e: WindowEntry, target: WindowTarget) =>
    e.from <= target.from && e.coveredUntil >= Math.min(target.to, pinnedEnd(target.to) + SECOND - 1);

  const within = (t: WindowTarget) => (task: Task) => {
    const c = createdMs(task);
    // a task whose created_at is unreadable stays where it was listed, shown with its raw value
    return Number.isNaN(c) || (c >= t.from && c <= t.to);
  };

  const idsOf = (tasks: readonly Task[]) => {
    const byId = new Map<string, Task>();
    for (const t of tasks) if (isTaskId(t.id)) byId.set(t.id, t);
    return byId;
  };

  const makeEntry = (
    target: WindowTarget,
    tasks: Task[],
    coveredUntil: number,
    reconciledAt: number = now(),
    fetchedAt: number = now(),
  ): WindowEntry => {
    const inRange = tasks.filter(within(target));
    return {
      instanceId: target.instanceId,
      from: target.from,
      to: target.to,
      rollingMs: target.rollingMs,
      coveredUntil,
      reconciledAt,
      tasks: inRange,
      byId: idsOf(inRange),
      fetchedAt,
    };
  };

  const fetchWhole = async (source: WindowSource, target: WindowTarget, signal: AbortSignal): Promise<WindowEntry> => {
    const end = pinnedEnd(target.to);
    const tasks =
      end < floorSecond(target.from)
        ? []
        : await list(source, target.instanceId, target.from, end, { hintKey: keyOf(target), signal });
    return makeEntry(target, tasks, end + SECOND - 1);
  };

  /**
   * Whether the upstream now holds another number of tasks over the span a window already knows
   * than the window does: one `limit=1` call, reserved like any other. A deletion shows so.
   */
  const countDiffers = async (
    source: WindowSource,
    target: WindowTarget,
    known: readonly Task[],
    coveredUntil: number,
    signal: AbortSignal,
  ) => {
    const begin = floorSecond(target.from);
    const last = floorSecond(coveredUntil);
    if (last < begin) return false;
    const reservation = await reserve(source, 1, signal);
    try {
      const { task_count: count } = await reservation.run(() =>
        source.client.listTasks({
          instanceId: target.instanceId,
          limit: 1,
          beginTime: formatDmsTime(begin + zoneMs),
          endTime: formatDmsTime(last + zoneMs),
          signal,
        }),
      );
      const upTo = (end: number) =>
        known.filter((t) => {
          const c = createdMs(t);
          return Number.isNaN(c) || (c >= begin && c <= end);
        }).length;
      // end_time may be inclusive or not (docs/UPSTREAM.md, "Time filters"): either count agrees
      return count !== upTo(last + SECOND - 1) && count !== upTo(last - 1);
    } finally {
      reservation.close();
    }
  };

  const refresh = async (
    source: WindowSource,
    base: WindowEntry,
    target: WindowTarget,
    signal: AbortSignal,
  ): Promise<WindowEntry> => {
    const keep = base.tasks.filter(within(target));
    // a base may reach past the target (a brushed part of a held window): known up to the target's end
    const known = Math.min(base.coveredUntil, floorSecond(target.to) + SECOND - 1);
    if (covers(base, target) && now() - base.fetchedAt < options.ttlMs)
      // as fresh as its base, and no older: it expires with it
      return makeEntry(target, keep, known, base.reconciledAt, base.fetchedAt);
    let reconciledAt = base.reconciledAt;
    if (now() - base.reconciledAt >= reconcileMs) {
      // a task deleted upstream leaves no other trace: the window is read again whole
      if (await countDiffers(source, target, keep, known, signal)) return fetchWhole(source, target, signal);
      reconciledAt = now();
    }
    const unfinished = keep.filter((t) => isUnfinished(t.status));
    const end = pinnedEnd(target.to);
    const nothingNew = known >= Math.min(target.to, end + SECOND - 1);
    if (unfinished.length === 0 && nothingNew) return makeEntry(target, keep, known, reconciledAt);

    // New tasks are those created after the newest one known (or after the window's start).
    const newest = keep.reduce((m, t) => Math.max(m, createdMs(t) || m), target.from);
    let begin = floorSecond(Math.max(newest, target.from));
    const shows: Task[] = [];
    let showing: Task[] = [];
    if (unfinished.length > 0) {
      const oldest = floorSecond(Math.min(...unfinished.map((u) => createdMs(u) || target.from)));
      const narrow = Math.max(1, Math.ceil(keep.filter((t) => createdMs(t) >= oldest).length / PAGE_LIMIT));
      // One narrow listing from the oldest unfinished task, or one ShowBackgroundTask each: the
      // cheaper (an id that is not a DMS id cannot name a task in a path: only a listing re-reads it).
      if (narrow <= unfinished.length || !unfinished.every((u) => isTaskId(u.id))) begin = Math.min(begin, oldest);
      else showing = unfinished.filter((u) => !(createdMs(u) >= begin));
    }
    const listing = end >= begin;
    // The re-reads and the listing's first page, reserved together before any is made.
    const reservation = await reserve(source, showing.length + (listing ? 1 : 0), signal);
    let listed: Task[] = [];
    try {
      await reservation.run(async () => {
        for (const t of showing) {
          const fresh = await source.client.showTask(target.instanceId, t.id, signal);
          if (fresh) shows.push(toTask(fresh));
          else keep.splice(keep.indexOf(t), 1);
        }
      });
      if (listing) listed = await list(source, target.instanceId, begin, end, { reservation, signal });
    } finally {
      reservation.close();
    }
    const merged = new Map<string, Task>();
    // (a task with an unreadable created_at is kept: no listing range can say it is gone)
    for (const t of keep) if (!(createdMs(t) >= begin)) merged.set(taskKey(t), t);
    for (const t of shows) merged.set(taskKey(t), t);
    for (const t of listed) merged.set(taskKey(t), t);
    checkSize(merged.size);
    return makeEntry(target, [...merged.values()], end + SECOND - 1, reconciledAt);
  };

  const evict = (keepKey: string, made: WindowEntry) => {
    const t = now();
    for (const [k, e] of [...entries]) {
      if (k === keepKey) continue;
      // Only an older end is superseded: a slow fetch that finishes late must not drop a newer window.
      const supersededRolling =
        e.rollingMs !== undefined &&
        e.rollingMs === made.rollingMs &&
        e.instanceId === made.instanceId &&
        e.to < made.to;
      if (supersededRolling || t - e.fetchedAt > retainMs) entries.delete(k);
    }
    if (sizeHints.size > 1000) sizeHints.clear();
  };

  // An idle console must give back what a burst of large windows took, not wait for the next read.
  const sweeper = setInterval(
    () => {
      const t = now();
      for (const [k, e] of [...entries]) if (t - e.fetchedAt > retainMs) entries.delete(k);
    },
    Math.max(1_000, Math.min(retainMs, 60_000)),
  );
  sweeper.unref();

  const served = (entry: WindowEntry) => {
    options.onServe?.(Math.max(0, Math.min(now(), entry.to) - entry.coveredUntil));
    return entry;
  };

  /**
   * The window when it is fresh in the cache, at once (a warm request's path: no promise, no
   * signal); undefined otherwise, and then `get` fetches, joins or refreshes it.
   */
  const fresh = (target: WindowTarget): WindowEntry | undefined => {
    const v = cache.get(windowCacheKey(target));
    const cached = v?.kind === 'window' ? v.entry : undefined;
    if (cached === undefined || now() - cached.fetchedAt >= options.ttlMs) return undefined;
    options.onLookup?.(true);
    return served(cached);
  };

  /**
   * The best cached window to refresh into `target`: it must cover the target's start. One that
   * holds the whole target (a range brushed or zoomed inside a view's window) is best: the
   * newest such; else the one reaching furthest toward the target's end.
   */
  const baseFor = (target: WindowTarget): WindowEntry | undefined => {
    const exact = entries.get(keyOf(target));
    if (exact) return exact;
    let whole: WindowEntry | undefined;
    let best: WindowEntry | undefined;
    for (const e of entries.values()) {
      if (e.instanceId !== target.instanceId || now() - e.fetchedAt > retainMs) continue;
      if (covers(e, target)) {
        if (!whole || e.fetchedAt > whole.fetchedAt) whole = e;
      } else if (
        e.from <= target.from &&
        e.to <= target.to &&
        e.coveredUntil > target.from &&
        (!best || e.to > best.to)
      )
        best = e;
    }
    return whole ?? best;
  };

  const findTaskIn = (instanceId: string, taskId: string): { task: Task; entry: WindowEntry } | undefined => {
    const t = now();
    for (const e of entries.values()) {
      if (e.instanceId !== instanceId) continue;
      const task = e.byId.get(taskId);
      if (task && (!isUnfinished(task.status) || t - e.fetchedAt < options.ttlMs)) return { task, entry: e };
    }
    return undefined;
  };

  return {
    /**
     * The whole window, from the cache when fresh, else shared with any fetch already running.
     * `signal`: the request gave up; the fetch stops when no request waits for it any more.
     */
    get(source: WindowSource, target: WindowTarget, signal?: AbortSignal): Promise<WindowEntry> {
      const hit = fresh(target);
      if (hit) return Promise.resolve(hit);
      const key = keyOf(target);
      options.onLookup?.(false);
      const running = inflight.get(key);
      if (running) return join(running, signal).then(served);
      // A rolling range's next key waits for its previous one and refreshes from it: never both at once.
      const lane = target.rollingMs === undefined ? undefined : laneOf(target);
      const ahead = lane === undefined ? undefined : lanes.get(lane);
      const flight: Flight = {
        key,
        started: false,
        promise: Promise.resolve(undefined as never),
        tracker: createProgressTracker(now),
        controller: new AbortController(),
        waiters: 0,
      };
      const { tracker, controller } = flight;
      const fetchHere = () =>
        withProgress(tracker, async () => {
          // every request left while it waited for the previous key: nothing to fetch for
          controller.signal.throwIfAborted();
          flight.started = true;
          if (lane !== undefined) laneFlights.set(lane, flight);
          const base = baseFor(target);
          return base
            ? refresh(source, base, target, controller.signal)
            : fetchWhole(source, target, controller.signal);
        });
      const fetch = options.shared ? () => options.shared!(key, options.ttlMs, fetchHere) : fetchHere;
      const promise = (ahead ? ahead.then(fetch, fetch) : fetch())
        .then((entry) => {
          entries.set(key, entry);
          evict(key, entry);
          return entry;
        })
        .finally(() => {
          if (inflight.get(key) === flight) inflight.delete(key);
          if (lane !== undefined && lanes.get(lane) === promise) lanes.delete(lane);
          if (lane !== undefined && laneFlights.get(lane) === flight) laneFlights.delete(lane);
        });
      flight.promise = promise;
      inflight.set(key, flight);
      if (lane !== undefined) lanes.set(lane, promise);
      return join(flight, signal).then(served);
    },
    fresh,
    /**
     * What the fetch of this window is doing (null when none runs): of its own key once started,
     * else, for a rolling range, the fetch its range runs now (a request a step later names the
     * next key, which waits for that one).
     */
    progress(target: WindowTarget): FetchProgress | null {
      const exact = inflight.get(keyOf(target));
      const running = target.rollingMs === undefined ? undefined : laneFlights.get(laneOf(target));
      const flight = exact?.started ? exact : (running ?? exact);
      return flight ? { ...flight.tracker.current } : null;
    },
    /** A task from any cached window of the instance (unfinished ones only from a fresh window). */
    findTask: (instanceId: string, taskId: string): Task | undefined => findTaskIn(instanceId, taskId)?.task,
    /** The same, with the window that holds it (what is derived from the task is kept with that window). */
    findTaskIn,
    /**
     * A value derived from a window (a query result, a page body), kept in the one cache beside
     * it and dropped with it; `bytes` estimates its size.
     */
    derive<T>(entry: WindowEntry, key: string, make: () => T, bytes: (value: T) => number): T {
      let ids = entryIds.get(entry);
      if (ids === undefined) entryIds.set(entry, (ids = { id: nextEntryId++, key: `w|${keyOf(entry)}` }));
      const full = `d|${ids.id}|${key}`;
      // A window read through what is derived from it is in use: it must not go first.
      cache.get(ids.key);
      const hit = cache.get(full);
      if (hit?.kind === 'derived') return hit.value as T;
      const value = make();
      // Only while the window itself is cached: a derived value must never outlive its window.
      if (cache.has(ids.key) && entries.get(keyOf(entry)) === entry) {
        let keys = derivedOf.get(entry);
        if (!keys) derivedOf.set(entry, (keys = new Set()));
        keys.add(full);
        cache.set(full, { kind: 'derived', entry, value, bytes: bytes(value) });
      }
      return value;
    },
    /**
     * A value derived from several windows (the fleet's union and the answers over it), kept in
     * the one cache, counted and evicted with the rest; the caller drops its `group` when what
     * the value was made from changes (dropGroup), since no one window's eviction can tell.
     */
    hold<T>(group: string, key: string, make: () => T, bytes: (value: T) => number): T {
      const full = `h|${group}|${key}`;
      const hit = cache.get(full);
      if (hit?.kind === 'held') return hit.value as T;
      const value = make();
      let keys = heldIn.get(group);
      if (!keys) heldIn.set(group, (keys = new Set()));
      keys.add(full);
      cache.set(full, { kind: 'held', group, value, bytes: bytes(value) });
      return value;
    },
    /** Forgets every value held under `group`. */
    dropGroup(group: string) {
      for (const k of [...(heldIn.get(group) ?? [])]) cache.delete(k);
      heldIn.delete(group);
    },
    /** Bytes held (estimated) and entries, windows and derived values together. */
    get size() {
      return { bytes: cache.calculatedSize, entries: cache.size };
    },
    clear() {
      cache.clear();
      sizeHints.clear();
    },
    close() {
      clearInterval(sweeper);
      cache.clear();
    },
  };
};
export type WindowStore = ReturnType<typeof createWindowStore>;
