import { z } from 'zod';
import { taskQuerySchema } from './task-query.ts';

export { TASK_FLAGS, type TaskFlag } from './contract.ts';

/** A finished task slower than this many times its name's median is an outlier. */
export const OUTLIER_FACTOR = 3;
/** A name's median and p95 count only once it has this many finished runs in the window. */
export const MIN_RUNS = 5;
/** The histogram aims for at most this many buckets (and at least ~40 for the preset ranges). */
export const MAX_BUCKETS = 120;

/** An IANA zone the runtime knows (`Europe/Berlin`, `UTC`): buckets are aligned to its days and hours. */
const knownZones = new Set<string>();
export const isTimeZone = (zone: string): boolean => {
  if (knownZones.has(zone)) return true;
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    // Building a formatter costs about a millisecond: remember the zones that passed (a few hundred exist).
    new Intl.DateTimeFormat('en', { timeZone: zone });
    if (knownZones.size < 1_000) knownZones.add(zone);
    return true;
  } catch {
    return false;
  }
};

/** The list's query (its sort and page are ignored) plus the zone the histogram is drawn in. */
export const insightsQuerySchema = taskQuerySchema.safeExtend({
  tz: z.string().refine(isTimeZone, 'not a time zone this server knows').default('UTC'),
});
export type InsightsQuery = z.infer<typeof insightsQuerySchema>;

export const durationStatSchema = z.object({
  name: z.string(),
  /** Finished runs of this name in the window. */
  count: z.number().int().nonnegative(),
  medianMs: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});
export type DurationStat = z.infer<typeof durationStatSchema>;

export const insightsSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }),
  fetchedAt: z.string(),
  histogram: z.object({
    tz: z.string(),
    /** Bucket length as the reader says it: `15 min`, `1 h`, `1 d` (a local day may last 23 or 25 h). */
    step: z.string(),
    buckets: z.array(
      z.object({ start: z.string(), end: z.string(), counts: z.record(z.string(), z.number().int().nonnegative()) }),
    ),
  }),
  /** Per task name over the whole window (no filters), most runs first. */
  durations: z.array(durationStatSchema),
  /** Finished tasks slower than OUTLIER_FACTOR × their name's median, matching the filters; slowest first. */
  outliers: z.array(z.object({ id: z.string(), name: z.string(), durationMs: z.number(), ratio: z.number() })),
  /** EXECUTING tasks running longer than their name's p95 (as of fetchedAt), matching the filters. */
  stuck: z.array(z.object({ id: z.string(), name: z.string(), runningMs: z.number(), p95Ms: z.number() })),
});
export type Insights = z.infer<typeof insightsSchema>;

/** One bar of the timeline: epoch ms, `end` null while the task is CREATED or EXECUTING. */
export const timelineTaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  user: z.string(),
  start: z.number(),
  end: z.number().nullable(),
});
export type TimelineTask = z.infer<typeof timelineTaskSchema>;

export const timelineSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }),
  fetchedAt: z.string(),
  /** Every task matching the list's filters, oldest first (a window holds at most WINDOW_MAX_TASKS). */
  tasks: z.array(timelineTaskSchema),
});
export type Timeline = z.infer<typeof timelineSchema>;
