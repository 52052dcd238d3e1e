import { z } from 'zod';

/** The one error body every /api route answers with. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    upstream: z
      .object({
        status: z.number(),
        errorCode: z.string().nullable(),
        errorMsg: z.string().nullable(),
        requestId: z.string().nullable(),
      })
      .optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const healthSchema = z.object({
  status: z.literal('ok'),
  mode: z.enum(['simulator', 'live']),
});
export type Health = z.infer<typeof healthSchema>;
