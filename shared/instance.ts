import { z } from 'zod';

/** DMS instance ids are UUIDs (lowercase hex, 8-4-4-4-12). */
export const instanceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a UUID');

export const instanceSchema = z.object({
  id: instanceIdSchema,
  name: z.string(),
  status: z.string(),
  engineVersion: z.string(),
  type: z.string(),
  specification: z.string(),
  region: z.string(),
  projectId: z.string(),
  createdAt: z.string().nullable(),
});
export type Instance = z.infer<typeof instanceSchema>;

export const instanceListSchema = z.object({ instances: z.array(instanceSchema) });
export type InstanceList = z.infer<typeof instanceListSchema>;
