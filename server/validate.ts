import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { ApiErrorCode } from '../shared/error-codes.ts';
import { DomainError } from './domain-error.ts';

/** Path ids with a code of their own: the SPA sends the user elsewhere rather than retrying. */
const PARAM_CODES = new Map<string, ApiErrorCode>([
  ['instanceId', 'INVALID_INSTANCE_ID'],
  ['taskId', 'INVALID_TASK_ID'],
]);

/** Distinct inputs remembered per validator, and the longest input worth remembering. */
export const VALIDATED_KEEP = 500;
const VALIDATED_KEY_MAX = 4096;

/**
 * What a target's value is a pure function of, read without parsing it: the query string, or the
 * path for the params of the one route a validator is mounted on.
 */
const rawInputs: Partial<Record<keyof ValidationTargets, (c: Context) => string>> = {
  query: (c) => {
    const { url } = c.req;
    const at = url.indexOf('?');
    return at < 0 ? '' : url.slice(at + 1);
  },
  param: (c) => c.req.path,
};

/**
 * zod validation for a request part (@hono/zod-validator); a failure names the parameter and
 * why, as a 400.
 *
 * A warm list request is otherwise cheap, and parsing its query was a third of its cost
 * (docs/BENCHMARKS.md, api-warm): a parse is a pure function of the input, so the outcome of each
 * raw input (the query string, the path) that passed is kept, frozen: every request with that
 * input shares it, and is handed it before the query string is even split, without the
 * validator's promises. Failures are not kept, so junk cannot push the real queries out.
 */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const rawInput = rawInputs[target];
  const passed = new LRUCache<string, object>({ max: VALIDATED_KEEP });
  const validator = zValidator(
    target,
    schema,
    (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? String(issue.path[0]) : target;
        const code = (target === 'param' && PARAM_CODES.get(where)) || 'BAD_REQUEST';
        throw new DomainError(code, `Invalid ${target} parameter "${where}": ${issue?.message ?? 'invalid'}`);
      }
      const key = rawInput?.(c);
      if (key !== undefined && key.length <= VALIDATED_KEY_MAX) passed.set(key, result.data as object);
    },
    {
      validationFunction: (s, value) => {
        const result = s.safeParse(value);
        // zod-validator types the result by a conditional over T that stays open for a generic T
        return (result.success ? { ...result, data: Object.freeze(result.data) } : result) as never;
      },
    },
  );
  if (!rawInput) return validator;
  const remembered: typeof validator = (c, next) => {
    const data = passed.get(rawInput(c));
    if (data === undefined) return validator(c, next);
    c.req.addValidatedData(target, data);
    return next();
  };
  return remembered;
};
