import { z } from 'zod';
import { INSTANCE_ID_PATTERN } from './contract.ts';

export const instanceIdSchema = z.string().regex(INSTANCE_ID_PATTERN, 'must be a UUID');

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
