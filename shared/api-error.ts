import { z } from 'zod';
import { API_ERROR_CODES } from './error-codes.ts';

/** The one error body every /api route answers with. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    upstream: z
      /** What DMS or its gateway answered; absent when no answer came (timeout, network). */
      .object({
        status: z.number().int().positive(),
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
