import { z } from 'zod';
import { TASK_ID_PATTERN, TASK_STATUSES } from './contract.ts';

export const taskStatusSchema = z.enum(TASK_STATUSES);

export const taskIdSchema = z.string().regex(TASK_ID_PATTERN, 'must be 32 lowercase hex characters');

/** A background task as the BFF serves it: camelCase, timestamps as ISO-8601, params untouched. */
export const taskSchema = z.object({
  id: taskIdSchema,
  name: z.string(),
  status: taskStatusSchema,
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
