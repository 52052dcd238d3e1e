import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dmsTaskListSchema, dmsTaskSchema } from './types.ts';

const FIELDS = ['id', 'name', 'user_name', 'status', 'created_at', 'updated_at'] as const;

describe('a DMS task as the console reads it', () => {
  it('keeps strings as sent and never fails on what a text field holds (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.jsonValue(), fc.string(), (field, odd, text) => {
        const parsed = dmsTaskSchema.parse({ id: text, [field]: odd });
        const expected =
          odd === null
            ? null
            : typeof odd === 'string'
              ? odd
              : typeof odd === 'object'
                ? JSON.stringify(odd)
                : String(odd);
        expect(parsed[field]).toBe(expected);
        if (field !== 'id') expect(parsed.id).toBe(text);
      }),
    );
  });

  it('gives absent fields null (user_id and params an empty text) and re-encodes object params', () => {
    expect(dmsTaskSchema.parse({ extra: 1 })).toEqual({
      id: null,
      name: null,
      user_name: null,
      user_id: '',
      params: '',
      status: null,
      created_at: null,
      updated_at: null,
    });
    expect(dmsTaskSchema.parse({ params: { a: [1] } }).params).toBe('{"a":[1]}');
    expect(dmsTaskSchema.parse({ params: '{"a":1}', user_id: 7 })).toMatchObject({ params: '{"a":1}', user_id: '7' });
  });

  it('refuses params that are neither text nor an object, naming them', () => {
    for (const params of [42, true, [1, 2]]) {
      const result = dmsTaskListSchema.safeParse({ task_count: '1', tasks: [{ id: 'a', params }] });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['tasks', 0, 'params']);
    }
  });
});
