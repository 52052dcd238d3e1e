import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { ApiErrorCode } from '../shared/error-codes.ts';
import { DomainError } from './domain-error.ts';

/** Path ids with a code of their own: the SPA sends the user elsewhere rather than retrying. */
const PARAM_CODES = new Map<string, ApiErrorCode>([
  ['instanceId', 'INVALID_INSTANCE_ID'],
  ['taskId', 'INVALID_TASK_ID'],
]);

/** Distinct inputs remembered per validator, and the longest input worth remembering (its JSON). */
export const VALIDATED_KEEP = 500;
const VALIDATED_KEY_MAX = 4096;

/**
 * zod validation for a request part; a failure names the parameter and why, as a 400.
 *
 * A warm list request is otherwise cheap, and parsing its query was a third of its cost
 * (docs/BENCHMARKS.md, api-warm): a parse is a pure function of the input, so the outcome of each
 * input that passed is kept (frozen: every request with that input shares it). Failures are not
 * kept, so junk cannot push the real queries out.
 */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const passed = new LRUCache<string, z.ZodSafeParseSuccess<unknown>>({ max: VALIDATED_KEEP });
  return zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? String(issue.path[0]) : target;
        const code = (target === 'param' && PARAM_CODES.get(where)) || 'BAD_REQUEST';
        throw new DomainError(code, `Invalid ${target} parameter "${where}": ${issue?.message ?? 'invalid'}`);
      }
    },
    {
      validationFunction: (s, value) => {
        const key = JSON.stringify(value);
        let result = passed.get(key) ?? s.safeParse(value);
        if (result.success && !Object.isFrozen(result)) {
          result = Object.freeze({ ...result, data: Object.freeze(result.data) });
          if (key.length <= VALIDATED_KEY_MAX) passed.set(key, result);
        }
        // zod-validator types the result by a conditional over T that stays open for a generic T
        return result as never;
      },
    },
  );
};
