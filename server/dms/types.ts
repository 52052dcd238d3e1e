import { z } from 'zod';

/** The upstream's own shapes (snake_case, as DMS answers); unknown fields are ignored. */
export const dmsTaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  user_name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  user_id: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  params: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  status: z.string(),
  created_at: z.string(),
  updated_at: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});
export type DmsTask = z.infer<typeof dmsTaskSchema>;

export const dmsTaskListSchema = z.object({
  task_count: z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `task_count is not a count: ${String(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  tasks: z
    .array(dmsTaskSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type DmsTaskList = z.infer<typeof dmsTaskListSchema>;

export const dmsInstanceSchema = z.object({
  instance_id: z.string(),
  name: z.string(),
  status: z.string(),
  engine: z.string().optional(),
  engine_version: z.string().nullish(),
  type: z.string().nullish(),
  specification: z.string().nullish(),
  resource_spec_code: z.string().nullish(),
  created_at: z.string().nullish(),
});
export type DmsInstance = z.infer<typeof dmsInstanceSchema>;

export const dmsInstanceListSchema = z.object({
  instances: z
    .array(dmsInstanceSchema)
    .nullish()
    .transform((v) => v ?? []),
  instance_num: z.number().int().nonnegative(),
});

export const dmsErrorBodySchema = z.object({
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
  request_id: z.string().optional(),
});
