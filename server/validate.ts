import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import type { ApiErrorCode } from '../shared/error-codes.ts';
import { DomainError } from './domain-error.ts';

/** Path ids with a code of their own: the SPA sends the user elsewhere rather than retrying. */
const PARAM_CODES = new Map<string, ApiErrorCode>([
  ['instanceId', 'INVALID_INSTANCE_ID'],
  ['taskId', 'INVALID_TASK_ID'],
]);

/** zod validation for a request part; a failure names the parameter and why, as a 400. */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? String(issue.path[0]) : target;
      const code = (target === 'param' && PARAM_CODES.get(where)) || 'BAD_REQUEST';
      throw new DomainError(code, `Invalid ${target} parameter "${where}": ${issue?.message ?? 'invalid'}`);
    }
  });
