import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskIdSchema, TASK_STATUSES as SHARED_STATUSES, UNFINISHED_STATUSES } from '../../../shared/task.ts';
import { instanceIdSchema } from '../../../shared/instance.ts';
import * as shared from '../../../shared/task-query.ts';
import * as local from './constants.ts';

describe('constants copied from shared/', () => {
  it('match the schemas', () => {
    expect(local.TASK_STATUSES).toEqual(SHARED_STATUSES);
    expect(local.UNFINISHED).toEqual(UNFINISHED_STATUSES);
    expect(local.SORT_KEYS).toEqual(shared.SORT_KEYS);
    expect(local.RANGE_PRESETS).toEqual(shared.RANGE_PRESETS);
    expect(local.DEFAULT_RANGE).toBe(shared.DEFAULT_RANGE);
    expect(local.DEFAULT_PAGE_SIZE).toBe(shared.DEFAULT_PAGE_SIZE);
    expect([local.PAGE_SIZE_MIN, local.PAGE_SIZE_MAX]).toEqual([shared.PAGE_SIZE_MIN, shared.PAGE_SIZE_MAX]);
  });

  it('accept exactly what the schemas accept', () => {
    const candidates = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9]{1,5}[mhdsw]?$/),
      fc.stringMatching(/^[0-9a-fA-F]{30,34}$/),
      fc.uuid().map((u) => (Math.random() < 0.5 ? u : u.toUpperCase())),
    );
    fc.assert(
      fc.property(candidates, (s) => {
        expect(local.RANGE_PATTERN.test(s)).toBe(shared.rangeSchema.safeParse(s).success);
        expect(local.TASK_ID_PATTERN.test(s)).toBe(taskIdSchema.safeParse(s).success);
        expect(local.INSTANCE_ID_PATTERN.test(s)).toBe(instanceIdSchema.safeParse(s).success);
        if (local.RANGE_PATTERN.test(s)) expect(local.rangeToMs(s)).toBe(shared.rangeToMs(s));
      }),
    );
  });
});
