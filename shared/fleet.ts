import { z } from 'zod';
import { apiErrorSchema } from './api-error.ts';
import { DEFAULT_SORT, ENGINES, EXPORT_FORMATS, INSTANCE_ID_PATTERN, PLACE_SORT_KEYS, SORT_KEYS } from './contract.ts';
import { insightsQuerySchema, insightsSchema } from './insights.ts';
import { taskListSchema, taskSchema } from './task.ts';
import { taskQueryFields, windowRules } from './task-query.ts';

/** The most instances one fleet query names; all of them (no `instances`) has no limit. */
export const FLEET_INSTANCES_MAX = 5_000;

/** `instances=id1,id2,…`: the fleet's set; absent, every instance the console lists. */
const instanceSet = z
  .string()
  .transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.string().regex(INSTANCE_ID_PATTERN, 'must be instance UUIDs')).max(FLEET_INSTANCES_MAX));

// `flag` (the insights' outliers) is per instance: the fleet does not take it.
const { flag: _flag, ...listFields } = taskQueryFields;
const fleetFields = {
  ...listFields,
  sort: z.enum([...SORT_KEYS, ...PLACE_SORT_KEYS]).default(DEFAULT_SORT),
  instances: instanceSet.optional(),
};

/** `GET /api/tasks`: the single-instance list query, over a set of instances. */
export const fleetQuerySchema = windowRules(z.object(fleetFields));
export type FleetQuery = z.infer<typeof fleetQuerySchema>;
export const fleetExportQuerySchema = windowRules(
  z.object({ ...fleetFields, format: z.enum(EXPORT_FORMATS).default('csv') }),
);
export type FleetExportQuery = z.infer<typeof fleetExportQuerySchema>;

/** A task with the instance it ran on. */
export const fleetTaskSchema = taskSchema.extend({
  instanceId: z.string(),
  instanceName: z.string(),
  engine: z.enum(ENGINES),
  projectId: z.string(),
  region: z.string(),
});
export type FleetTask = z.infer<typeof fleetTaskSchema>;

const count = z.number().int().nonnegative();
const instanceRef = z.object({ instanceId: z.string(), name: z.string() });

/**
 * How much of the set the answer holds. `read`: instances whose window is in the union;
 * `pending`: not read yet (being read, or waiting for the call budget, with when it should be
 * paid for); `failed`: the read failed, with the error (code, message, DMS's request id);
 * `skipped`: named in the set but not listed by any target (unknown, or its target failed).
 */
export const coverageSchema = z.object({
  total: count,
  read: count,
  pending: z.object({
    count,
    instances: z.array(instanceRef),
    /** Of the pending ones, how many wait for the call budget. */
    waitingForBudget: count,
    /** When all should be read, at the budget's rate (ms from now); null when nothing waits. */
    estimateMs: z.number().nonnegative().nullable(),
  }),
  failed: z.array(instanceRef.extend({ error: apiErrorSchema.shape.error })),
  skipped: z.array(z.object({ instanceId: z.string(), reason: z.string() })),
  /** Targets whose instance listing failed: their instances are unknown, so not in `total`. */
  failedTargets: z.array(z.object({ projectId: z.string(), region: z.string(), code: z.string() })),
});
export type Coverage = z.infer<typeof coverageSchema>;

export const fleetTaskListSchema = taskListSchema.extend({
  tasks: z.array(fleetTaskSchema),
  facets: taskListSchema.shape.facets.extend({
    instance: z.record(z.string(), z.number()),
    project: z.record(z.string(), z.number()),
    region: z.record(z.string(), z.number()),
    engine: z.record(z.string(), z.number()),
  }),
  /** True while any instance of the set is pending or failed: the union is not the whole set. */
  partial: z.boolean(),
  coverage: coverageSchema,
});
export type FleetTaskList = z.infer<typeof fleetTaskListSchema>;

/** `GET /api/tasks/histogram`: the fleet query (its sort and page are ignored) plus the histogram's zone. */
export const fleetHistogramQuerySchema = windowRules(z.object({ ...fleetFields, tz: insightsQuerySchema.shape.tz }));
export type FleetHistogramQuery = z.infer<typeof fleetHistogramQuerySchema>;

/** The single-instance view's histogram over the union read so far, with how much of the set that is. */
export const fleetHistogramSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }),
  fetchedAt: z.string(),
  histogram: insightsSchema.shape.histogram,
  partial: z.boolean(),
  coverage: z.object({ read: count, total: count, pending: count }),
});
export type FleetHistogram = z.infer<typeof fleetHistogramSchema>;
