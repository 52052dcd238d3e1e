import { z } from 'zod';
import { apiErrorSchema } from './api-error.ts';
import { ENGINES, INSTANCE_ID_PATTERN } from './contract.ts';

export const instanceIdSchema = z.string().regex(INSTANCE_ID_PATTERN, 'must be a UUID');

export const instanceSchema = z.object({
  id: instanceIdSchema,
  name: z.string(),
  status: z.string(),
  /** The engine the listing was asked for (`engine=` of ListInstancesDetails); RabbitMQ when absent (older consoles). */
  engine: z.enum(ENGINES).default('rabbitmq'),
  engineVersion: z.string(),
  type: z.string(),
  specification: z.string(),
  region: z.string(),
  projectId: z.string(),
  createdAt: z.string().nullable(),
});
export type Instance = z.infer<typeof instanceSchema>;

/** A configured project/region whose instances could not be listed, and why. */
export const targetFailureSchema = z.object({
  projectId: z.string(),
  region: z.string(),
  endpoint: z.string(),
  error: apiErrorSchema.shape.error,
});
export type TargetFailure = z.infer<typeof targetFailureSchema>;

/** The healthy targets' instances, and each target that failed: one broken region never hides the others. */
export const instanceListSchema = z.object({
  instances: z.array(instanceSchema),
  failures: z.array(targetFailureSchema),
});
export type InstanceList = z.infer<typeof instanceListSchema>;
