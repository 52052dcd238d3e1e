import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiFailure } from './errors.ts';

/** zod validation for a request part; a failure names the parameter and why, as a 400. */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? String(issue.path[0]) : target;
      throw new ApiFailure(
        400,
        'BAD_REQUEST',
        `Invalid ${target} parameter "${where}": ${issue?.message ?? 'invalid'}`,
      );
    }
  });
