import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';
import { MAX_BUCKETS, MIN_RUNS, OUTLIER_FACTOR, type DurationStat } from '../../shared/insights.ts';
import type { TaskFlag } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import { type Memo, noMemo } from './query.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Nearest-rank percentile of an ascending array (p in (0, 1]): always one of the values. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

interface Baseline extends DurationStat {
  /** Whether it has MIN_RUNS finished runs, so outliers and stuck tasks can be judged against it. */
  judged: boolean;
}

interface WindowStats {
  baselines: Map<string, Baseline>;
  /** Finished tasks over OUTLIER_FACTOR × their name's median: id → ratio. */
  outliers: Map<string, number>;
  /** As of `at`: EXECUTING tasks longer than their name's p95, id → running ms. */
  stuck: Map<string, number>;
  at: number;
}

/** Maps and their entries, about: names are the tasks' own strings, ids shared with the tasks. */
const statsBytes = (s: WindowStats) =>
  200 +
  [...s.baselines.keys()].reduce((n, name) => n + 2 * name.length + 150, 0) +
  60 * (s.outliers.size + s.stuck.size);

const baselinesOf = (tasks: readonly Task[]): Map<string, Baseline> => {
  const byName = new Map<string, number[]>();
  for (const t of tasks) {
    if (t.durationMs === null) continue;
    let list = byName.get(t.name);
    if (!list) byName.set(t.name, (list = []));
    list.push(t.durationMs);
  }
  const baselines = new Map<string, Baseline>();
  for (const [name, list] of byName) {
    list.sort((a, b) => a - b);
    baselines.set(name, {
      name,
      count: list.length,
      medianMs: percentile(list, 0.5),
      p95Ms: percentile(list, 0.95),
      maxMs: list.at(-1)!,
      judged: list.length >= MIN_RUNS,
    });
  }
  return baselines;
};

/**
 * Per-name duration baselines, outliers and stuck tasks of one window. A window's tasks never
 * change once fetched, so with the window store's memo this is computed once per window; "stuck"
 * is judged as of `at` (the window's fetch time, when its statuses were true), so the list and
 * the insights agree.
 */
export const windowStats = (tasks: readonly Task[], at: number, memo: Memo = noMemo): WindowStats =>
  memo(
    `stats|${at}`,
    () => {
      const baselines = baselinesOf(tasks);
      const outliers = new Map<string, number>();
      const stuck = new Map<string, number>();
      for (const t of tasks) {
        const base = baselines.get(t.name);
        if (!base?.judged) continue;
        if (t.durationMs !== null && base.medianMs > 0 && t.durationMs > OUTLIER_FACTOR * base.medianMs)
          outliers.set(t.id, t.durationMs / base.medianMs);
        if (t.status === 'EXECUTING') {
          const running = at - Date.parse(t.createdAt);
          if (running > base.p95Ms) stuck.set(t.id, running);
        }
      }
      return { baselines, outliers, stuck, at };
    },
    statsBytes,
  );

/** The window's tasks that carry a flag, in window order: the list filters these as it would the whole window. */
export const flaggedTasks = (
  tasks: readonly Task[],
  at: number,
  flag: TaskFlag,
  memo: Memo = noMemo,
): readonly Task[] =>
  memo(
    `flagged|${flag}|${at}`,
    () => {
      const stats = windowStats(tasks, at, memo);
      const set = flag === 'outlier' ? stats.outliers : stats.stuck;
      return tasks.filter((t) => set.has(t.id));
    },
    (list) => 8 * list.length + 64,
  );

/** Bucket lengths in minutes (then days), smallest first: the first giving ≤ MAX_BUCKETS wins. */
const SUB_DAY_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720];
const DAY_STEPS = [1, 2, 7, 14, 28];

export interface BucketPlan {
  /** Boundaries: bucket i is [edges[i], edges[i+1]). */
  edges: number[];
  step: string;
}

const stepLabel = (minutes: number) =>
  minutes < 60 ? `${minutes} min` : minutes < 1440 ? `${minutes / 60} h` : `${minutes / 1440} d`;

/** The instant of the local wall-clock time in `tz` at or before `ms` that is a multiple of `minutes` since local midnight. */
const floorLocal = (ms: number, minutes: number, tz: string): number => {
  const d = new TZDate(ms, tz);
  const sinceMidnight = d.getHours() * 60 + d.getMinutes();
  const floored = Math.floor(sinceMidnight / minutes) * minutes;
  const t = new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), Math.floor(floored / 60), floored % 60, tz);
  // A wall time that does not exist (a DST gap) can resolve past `ms`: step back to the hour before.
  return t.getTime() <= ms ? t.getTime() : t.getTime() - HOUR;
};

/**
 * Buckets covering [from, to], aligned to the zone's wall clock: a day bucket is a local day
 * (23 or 25 h across a DST change), an hour bucket starts on a local hour.
 */
export const planBuckets = (from: number, to: number, tz: string): BucketPlan => {
  const span = Math.max(1, to - from);
  const minutes = SUB_DAY_STEPS.find((m) => span / (m * MINUTE) <= MAX_BUCKETS - 1);
  const edges: number[] = [];
  if (minutes !== undefined) {
    let edge = floorLocal(from, minutes, tz);
    edges.push(edge);
    while (edge <= to) {
      // Up to an hour: real time keeps local alignment. Longer: re-align after a DST change.
      edge = minutes <= 60 ? edge + minutes * MINUTE : floorLocal(edge + minutes * MINUTE + HOUR, minutes, tz);
      edges.push(edge);
    }
    return { edges, step: stepLabel(minutes) };
  }
  const days = DAY_STEPS.find((n) => span / (n * DAY) <= MAX_BUCKETS - 2) ?? Math.ceil(span / DAY / (MAX_BUCKETS - 2));
  let day = startOfDay(new TZDate(from, tz));
  edges.push(day.getTime());
  while (day.getTime() <= to) {
    day = addDays(day, days);
    edges.push(day.getTime());
  }
  return { edges, step: stepLabel(days * 1440) };
};

/** Index of the bucket holding `ms` (edges ascending, ms within them). */
const bucketOf = (edges: readonly number[], ms: number): number => {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};

export interface Histogram {
  step: string;
  buckets: { start: string; end: string; counts: Record<string, number> }[];
}

/** Tasks per bucket by status, over the given (already filtered) tasks. */
export const histogram = (tasks: readonly Task[], from: number, to: number, tz: string): Histogram => {
  const { edges, step } = planBuckets(from, to, tz);
  const counts = Array.from({ length: edges.length - 1 }, () => ({}) as Record<string, number>);
  for (const t of tasks) {
    const created = Date.parse(t.createdAt);
    // a created_at that is no time (shown raw in the list) has no bucket
    if (Number.isNaN(created)) continue;
    const c = counts[bucketOf(edges, created)]!;
    c[t.status] = (c[t.status] ?? 0) + 1;
  }
  return {
    step,
    buckets: counts.map((c, i) => ({
      start: new Date(edges[i]!).toISOString(),
      end: new Date(edges[i + 1]!).toISOString(),
      counts: c,
    })),
  };
};

/** Longest outlier and stuck lists an answer carries (slowest first); a page never shows more. */
export const FLAG_LIST_MAX = 1_000;

/** The durations panel and the flags of the matching tasks. */
export const insightsOf = (all: readonly Task[], matching: readonly Task[], at: number, memo: Memo = noMemo) => {
  const stats = windowStats(all, at, memo);
  const durations = [...stats.baselines.values()]
    .map(({ judged: _, ...d }) => d)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const outliers = matching
    .filter((t) => stats.outliers.has(t.id))
    .map((t) => ({ id: t.id, name: t.name, durationMs: t.durationMs!, ratio: stats.outliers.get(t.id)! }))
    .sort((a, b) => b.ratio - a.ratio)
    .slice(0, FLAG_LIST_MAX);
  const stuck = matching
    .filter((t) => stats.stuck.has(t.id))
    .map((t) => ({
      id: t.id,
      name: t.name,
      runningMs: stats.stuck.get(t.id)!,
      p95Ms: stats.baselines.get(t.name)!.p95Ms,
    }))
    .sort((a, b) => b.runningMs - a.runningMs)
    .slice(0, FLAG_LIST_MAX);
  return { durations, outliers, stuck };
};
