import { z } from 'zod';
import { type ApiTaskStatus, TASK_FIELDS, TASK_ID_PATTERN, TASK_STATUSES } from './contract.ts';

export const taskStatusSchema = z.enum(TASK_STATUSES);

export const taskIdSchema = z.string().regex(TASK_ID_PATTERN, 'must be 32 lowercase hex characters');

/**
 * A background task as the BFF serves it: camelCase, timestamps as ISO-8601, params untouched.
 * Upstream data is shown as sent where it is odd (docs/UPSTREAM.md, "Odd data"): an id that is
 * not a DMS id (not linkable), a status this console does not know, a created_at that is not a
 * time (its raw text), and fields DMS left out ('' and named in `missing`).
 */
export const taskSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.custom<ApiTaskStatus>((v) => typeof v === 'string'),
  userName: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** updatedAt − createdAt for finished tasks; null while it is still CREATED or EXECUTING. */
  durationMs: z.number().nullable(),
  /** The upstream params string, unchanged: usually JSON, not always. */
  params: z.string(),
  /**
   * Set in list answers when params is longer than LIST_PARAMS_MAX: `params` then holds only its
   * start, and the task route has it whole. Absent everywhere else.
   */
  paramsTruncated: z.literal(true).optional(),
  /** The fields DMS did not send, shown as placeholders; absent when it sent them all. */
  missing: z.array(z.enum(TASK_FIELDS)).optional(),
});
export type Task = z.infer<typeof taskSchema>;

export const taskListSchema = z.object({
  tasks: z.array(taskSchema),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  facets: z.object({
    status: z.record(z.string(), z.number()),
    name: z.record(z.string(), z.number()),
    user: z.record(z.string(), z.number()),
  }),
  window: z.object({ from: z.string(), to: z.string() }),
  fetchedAt: z.string(),
});
export type TaskList = z.infer<typeof taskListSchema>;

export const taskDetailSchema = z.object({ task: taskSchema });
export type TaskDetail = z.infer<typeof taskDetailSchema>;
