import { z } from 'zod';

export const OPERATIONS = [
  'ListInstancesDetails',
  'ShowInstance',
  'ListBackgroundTasks',
  'ShowBackgroundTask',
  'DeleteBackgroundTask',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

const count = z.number().int().positive();
const ms = z.number().int().min(0).max(600_000);

/** Misbehaviour on request. Absent fields take their defaults: PUT replaces, PATCH merges. */
export const faultsSchema = z.strictObject({
  /** Added to every answer, plus a random 0..jitterMs. */
  latencyMs: ms.default(0),
  jitterMs: ms.default(0),
  /** Share of calls (0..1) answered 500 DMS.00500000. */
  errorRate: z.number().min(0).max(1).default(0),
  /** The next `count` calls answer 429 APIGW.0308, with Retry-After when retryAfterSeconds is set. */
  throttleBurst: z
    .strictObject({ count, retryAfterSeconds: z.number().int().min(0).max(3_600).nullable().default(null) })
    .nullable()
    .default(null),
  /** Calls wait `ms` before answering (or until the client gives up); the next `count`, or all. */
  hang: z
    .strictObject({ ms: ms.default(60_000), count: count.optional() })
    .nullable()
    .default(null),
  /** Bodies cut in half, or not JSON at all (under a JSON content type); the next `count`, or all. */
  badBody: z
    .strictObject({ kind: z.enum(['truncated', 'non-json']), count: count.optional() })
    .nullable()
    .default(null),
  /** The gateway's clock runs this far ahead (negative: behind) of the real one. */
  clockSkewMs: z
    .number()
    .int()
    .min(-366 * 86_400_000)
    .max(366 * 86_400_000)
    .default(0),
  /** AKs the gateway no longer knows ("ak not exist"). */
  revokedAks: z.array(z.string().min(1)).default([]),
  /** The gateway's per-AK rate limit, as the real one enforces (100 a minute per user). */
  throttle: z
    .strictObject({
      limitPerMinute: z.number().int().min(1).max(1_000_000),
      retryAfter: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** DELETE answers 403 DMS.00403002, as for a read-only tenant. */
  readOnly: z.boolean().default(false),
  /** Task reads (list, show) of these instances answer 500 DMS.00500000: one broken instance in a fleet. */
  failInstances: z.array(z.string().max(64)).max(1_000).default([]),
  /** Latency, 500s, bursts, hangs and bad bodies hit only these operations; null: all calls. */
  operations: z.array(z.enum(OPERATIONS)).nullable().default(null),
});
export type Faults = z.infer<typeof faultsSchema>;
export type FaultsInput = z.input<typeof faultsSchema>;

const errorBody = z.strictObject({
  status: z.number().int().min(400).max(599),
  error_code: z.string(),
  error_msg: z.string(),
});

/** Behaviours docs/UPSTREAM.md leaves open: switches, so a client is tested against each. */
export const behaviourSchema = z.strictObject({
  /** A well-formed task id that does not exist: a 404, or 200 with `task_count:"0"` and no tasks. */
  unknownTask: z.enum(['not-found', 'empty']).default('empty'),
  /** INVENTED: the 404 body for an unknown task when unknownTask is 'not-found' (DMS does not document one). */
  taskNotFound: errorBody.default({
    status: 404,
    error_code: 'DMS.00404070',
    error_msg: 'The task does not exist.',
  }),
  /** The refusal to delete an unfinished task; the real code is not documented. */
  deleteUnfinished: errorBody.default({
    status: 400,
    error_code: 'DMS.00400017',
    error_msg: 'This DMS instance job task is still running.',
  }),
  /**
   * Which paging parameter ListBackgroundTasks honours (docs/UPSTREAM.md: the sources disagree):
   * `start` (1-based index) only, `offset` (0-based record offset) only, or either. The one not
   * honoured is ignored, so a client that sends only it reads page 1 again.
   */
  paging: z.enum(['start', 'offset', 'both']).default('both'),
  /** begin_time/end_time read as local time at UTC+this many minutes (DMS does not document the zone). */
  timeZoneOffsetMin: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60)
    .default(0),
  /** end_time excludes its own second (DMS does not document whether the end is inclusive). */
  endExclusive: z.boolean().default(false),
});
export type Behaviour = z.infer<typeof behaviourSchema>;
export type BehaviourInput = z.input<typeof behaviourSchema>;

/** Environment variables `npm run simulator` reads, with what each sets. */
export const SIMULATOR_ENV_DOC: Record<string, string> = {
  SIMULATOR_FAULTS: 'JSON of the faults object (same as PUT /_simulator/faults)',
  SIMULATOR_LATENCY_MS: 'added latency in ms',
  SIMULATOR_JITTER_MS: 'random extra latency, 0..ms',
  SIMULATOR_ERROR_RATE: 'share of calls answered 500, 0..1',
  SIMULATOR_THROTTLE: 'calls a minute per AK before 429 (the real gateway: 100)',
  SIMULATOR_CLOCK_SKEW_MS: "the gateway's clock offset in ms",
  SIMULATOR_UNKNOWN_TASK: "'not-found' or 'empty': the answer for a well-formed unknown task id",
  SIMULATOR_PAGING: "'start', 'offset' or 'both' (default): the paging parameter ListBackgroundTasks honours",
  SIMULATOR_TIME_ZONE_OFFSET_MIN: 'begin_time/end_time read at UTC+minutes (default 0)',
  SIMULATOR_END_EXCLUSIVE: "'true': end_time excludes its own second",
  SIMULATOR_SEED: 'seed of the generated data',
  SIMULATOR_FLEET: 'seed this many instances over 3 regions (a port each) and 2 projects, all three engines',
};

const envNumber = (env: Record<string, string | undefined>, name: string): number | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} is not a number: ${raw}`);
  return n;
};

/** Faults and behaviour from the environment; throws naming the variable at fault. */
export const settingsFromEnv = (env: Record<string, string | undefined>) => {
  let base: unknown = {};
  if (env.SIMULATOR_FAULTS) {
    try {
      base = JSON.parse(env.SIMULATOR_FAULTS);
    } catch {
      throw new Error('SIMULATOR_FAULTS is not JSON');
    }
  }
  const overrides: Record<string, unknown> = {};
  const latency = envNumber(env, 'SIMULATOR_LATENCY_MS');
  if (latency !== undefined) overrides.latencyMs = latency;
  const jitter = envNumber(env, 'SIMULATOR_JITTER_MS');
  if (jitter !== undefined) overrides.jitterMs = jitter;
  const rate = envNumber(env, 'SIMULATOR_ERROR_RATE');
  if (rate !== undefined) overrides.errorRate = rate;
  const throttle = envNumber(env, 'SIMULATOR_THROTTLE');
  if (throttle !== undefined) overrides.throttle = { limitPerMinute: throttle };
  const skew = envNumber(env, 'SIMULATOR_CLOCK_SKEW_MS');
  if (skew !== undefined) overrides.clockSkewMs = skew;
  const faults = faultsSchema.safeParse({ ...(base as object), ...overrides });
  if (!faults.success) throw new Error(`SIMULATOR_FAULTS (or SIMULATOR_*): ${z.prettifyError(faults.error)}`);
  const switches: Record<string, unknown> = {};
  if (env.SIMULATOR_UNKNOWN_TASK) switches.unknownTask = env.SIMULATOR_UNKNOWN_TASK;
  if (env.SIMULATOR_PAGING) switches.paging = env.SIMULATOR_PAGING;
  const zone = envNumber(env, 'SIMULATOR_TIME_ZONE_OFFSET_MIN');
  if (zone !== undefined) switches.timeZoneOffsetMin = zone;
  if (env.SIMULATOR_END_EXCLUSIVE) {
    if (!['true', 'false'].includes(env.SIMULATOR_END_EXCLUSIVE))
      throw new Error(`SIMULATOR_END_EXCLUSIVE is not true or false: ${env.SIMULATOR_END_EXCLUSIVE}`);
    switches.endExclusive = env.SIMULATOR_END_EXCLUSIVE === 'true';
  }
  const behaviour = behaviourSchema.safeParse(switches);
  if (!behaviour.success)
    throw new Error(
      `SIMULATOR_UNKNOWN_TASK, SIMULATOR_PAGING or SIMULATOR_TIME_ZONE_OFFSET_MIN: ${z.prettifyError(behaviour.error)}`,
    );
  const fleet = envNumber(env, 'SIMULATOR_FLEET');
  if (fleet !== undefined && (!Number.isInteger(fleet) || fleet < 0 || fleet > 10_000))
    throw new Error(`SIMULATOR_FLEET is not a count of instances (0..10000): ${fleet}`);
  return { faults: faults.data, behaviour: behaviour.data, seed: envNumber(env, 'SIMULATOR_SEED'), fleet };
};
