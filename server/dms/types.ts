import { z } from 'zod';

/**
 * The upstream's own shapes (snake_case, as DMS answers), validated and normalised once here:
 * counts become numbers, absent or odd task fields are kept as text or null, unknown fields are dropped.
 */
const nullableNumber = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  });

/** A count DMS may send as a string ("12") or a number. */
const count = (field: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `${field} is not a count: ${String(v)}` });
      return z.NEVER;
    }
    return n;
  });

/**
 * A text field of a task, whatever DMS put there: absent or null is null, a number or flag its
 * text, anything else its JSON, so one odd task never fails a page (docs/UPSTREAM.md, "Odd data").
 */
const looseText = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : typeof v === 'string'
      ? v
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every field optional, as in the SDK models: the console shows what is missing, it does not refuse it.
 * One transform a task rather than one a field: a page of 100 tasks validated in a third of the
 * time (the cold window's CPU, docs/BENCHMARKS.md), with the same outcome.
 */
export const dmsTaskSchema = z
  .object({
    id: z.unknown().optional(),
    name: z.unknown().optional(),
    user_name: z.unknown().optional(),
    user_id: z.unknown().optional(),
    /** A JSON object encoded as a string; an object is re-encoded so the type stays one. */
    params: z.unknown().optional(),
    status: z.unknown().optional(),
    /** ISO-8601 UTC, e.g. 2020-06-23T03:00:03.471Z */
    created_at: z.unknown().optional(),
    updated_at: z.unknown().optional(),
  })
  .transform((t, ctx) => {
    const { params } = t;
    if (params !== null && params !== undefined && typeof params !== 'string' && !isRecord(params)) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: 'params is neither a string nor an object' });
      return z.NEVER;
    }
    return {
      id: looseText(t.id),
      name: looseText(t.name),
      user_name: looseText(t.user_name),
      user_id: looseText(t.user_id) ?? '',
      params:
        params === null || params === undefined ? '' : typeof params === 'string' ? params : JSON.stringify(params),
      status: looseText(t.status),
      created_at: looseText(t.created_at),
      updated_at: looseText(t.updated_at),
    };
  });
export type DmsTask = z.infer<typeof dmsTaskSchema>;

export const dmsTaskListSchema = z.object({
  /** The total number of matching tasks (not the page size); a string upstream. */
  task_count: count('task_count'),
  tasks: z
    .array(dmsTaskSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type DmsTaskList = z.infer<typeof dmsTaskListSchema>;

/** Only the fields the console shows: any other field, however malformed, cannot fail a listing. */
export const dmsInstanceSchema = z.object({
  instance_id: z.string(),
  name: z.string(),
  status: z.string(),
  engine_version: z.string().nullish(),
  type: z.string().nullish(),
  specification: z.string().nullish(),
  resource_spec_code: z.string().nullish(),
  /** Epoch milliseconds, sent as a string upstream; null when absent or not a number. */
  created_at: nullableNumber,
});
export type DmsInstance = z.infer<typeof dmsInstanceSchema>;

export const dmsInstanceListSchema = z.object({
  instances: z
    .array(dmsInstanceSchema)
    .nullish()
    .transform((v) => v ?? []),
  instance_num: count('instance_num'),
});
export type DmsInstanceList = z.infer<typeof dmsInstanceListSchema>;

/** Both error layers: DMS (`error_code`, `error_msg`) and the API gateway (+ `request_id`). */
export const dmsErrorBodySchema = z.object({
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
  request_id: z.string().optional(),
});
