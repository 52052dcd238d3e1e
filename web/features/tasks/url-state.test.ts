import fc from 'fast-check';
import { createSerializer } from 'nuqs';
import { describe, expect, it } from 'vitest';
import { taskQuerySchema } from '../../../shared/task-query.ts';
import {
  findDroppedValues,
  findUrlProblems,
  narrowerRange,
  rangeState,
  TASK_SEARCH_KEYS,
  taskSearchParsers,
  toApiQuery,
  type TaskSearch,
} from './url-state.ts';

const parseAll = (search: string): TaskSearch => {
  const params = new URLSearchParams(search);
  const bad = new Set(findUrlProblems(search));
  const out: Record<string, unknown> = {};
  for (const [key, parser] of Object.entries(taskSearchParsers)) {
    const raw = params.get(key);
    const parsed = raw === null || bad.has(key) ? null : parser.parse(raw);
    out[key] = parsed ?? ('defaultValue' in parser ? parser.defaultValue : null);
  }
  return out as TaskSearch;
};

const rawValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '24h',
    '7d',
    '0h',
    '15m',
    '99999d',
    'FAILED',
    'FAILED,SUCCESS',
    'FAILED,nope',
    'asc',
    'up',
    'outlier',
    'stuck',
  ),
  fc.constantFrom(
    '2026-11-27T00:00:00Z',
    '2026-11-28T00:00:00.000Z',
    '2026-02-30T00:00:00Z',
    '2024-02-29T10:00:00+08:00',
    '2026-11-28T24:00:00Z',
    '2026-11-28T10:00:60Z',
    '2026-11-28T10:00:00+25:00',
    '2026-11-28',
  ),
  fc.integer({ min: -5, max: 600 }).map(String),
  fc.stringMatching(/^[0-9a-f]{32}$/),
);
const searchString = fc
  .dictionary(fc.constantFrom(...TASK_SEARCH_KEYS), rawValue)
  .map((d) => new URLSearchParams(d).toString());

describe('URL state', () => {
  it('after dropping what findUrlProblems names, the server schema accepts the API query', () => {
    fc.assert(
      fc.property(searchString, (search) => {
        const q = toApiQuery(parseAll(search));
        const parsed = taskQuerySchema.safeParse(q);
        expect(parsed.success, `${search} -> ${JSON.stringify(q)}: ${parsed.error?.message}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reports what it cannot use, and nothing when the link is valid', () => {
    expect(findUrlProblems('?page=0&sort=bogus&status=FAILED,NOPE').sort()).toEqual(['page', 'sort']);
    expect(findUrlProblems('?status=NOPE')).toEqual(['status']);
    expect(findUrlProblems('?from=2026-11-28T00:00:00Z')).toEqual(['from']);
    expect(findUrlProblems('?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z').sort()).toEqual(['from', 'to']);
    expect(findUrlProblems('?range=7d&from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z')).toEqual(['range']);
    expect(
      findUrlProblems('?range=7d&status=FAILED,SUCCESS&sort=durationMs&order=asc&page=2&pageSize=100&zone=utc&q=x'),
    ).toEqual([]);
  });

  it('keeps the valid values of a list and names the dropped ones', () => {
    expect(findDroppedValues('?status=FAILED,NOPE&open=abc')).toEqual([{ key: 'status', values: ['NOPE'] }]);
    expect(parseAll('?status=FAILED,NOPE').status).toEqual(['FAILED']);
    expect(findDroppedValues('?status=NOPE')).toEqual([]);
    expect(findDroppedValues(`?open=${'a'.repeat(32)},zz`)).toEqual([{ key: 'open', values: ['zz'] }]);
  });

  it('serialises state so that parsing gives it back (defaults dropped)', () => {
    const serialize = createSerializer(taskSearchParsers);
    const state = parseAll('?range=7d&status=FAILED&sort=durationMs&order=asc&page=2&pageSize=100&zone=utc&q=a%2Cb');
    const url = serialize(state);
    expect(parseAll(url)).toEqual(state);
    expect(serialize(parseAll(''))).toBe('');
  });

  it('tells rolling from absolute ranges', () => {
    expect(rangeState({ range: null, from: null, to: null })).toEqual({ kind: 'rolling', range: '24h' });
    expect(rangeState({ range: null, from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' })).toEqual({
      kind: 'absolute',
      from: '2026-11-27T00:00:00Z',
      to: '2026-11-28T00:00:00Z',
    });
  });

  it('offers a shorter range than one too large to read', () => {
    const narrowed = (range: string) => narrowerRange({ kind: 'rolling', range })?.patch.range;
    expect([narrowed('90d'), narrowed('30d'), narrowed('7d'), narrowed('24h'), narrowed('1h')]).toEqual([
      '30d',
      '7d',
      '24h',
      '1h',
      '15m',
    ]);
    expect(narrowed('15m')).toBeUndefined();
    expect(narrowed('48h')).toBe('24h');
    expect(
      narrowerRange({ kind: 'absolute', from: '2026-11-20T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' })?.patch,
    ).toEqual({ from: '2026-11-24T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z', range: null });
  });
});
