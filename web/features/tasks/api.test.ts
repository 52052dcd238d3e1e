import { describe, expect, it } from 'vitest';
import { aTask, aTaskList } from '../../test/render.tsx';
import { exportHref, taskKeys, taskListOptions } from './api.ts';

type IntervalFn = (q: { state: { data: unknown } }) => number | false;
const interval = (query: Record<string, string>, data: unknown) =>
  (taskListOptions('i', query).refetchInterval as unknown as IntervalFn)({ state: { data } });

describe('task query options', () => {
  it('poll every 5 s while a task on screen runs, every 30 s on an idle rolling range, never on a fixed one', () => {
    const running = aTaskList([aTask({ status: 'EXECUTING', durationMs: null })]);
    const idle = aTaskList([aTask()]);
    expect(interval({ range: '24h' }, running)).toBe(5_000);
    expect(interval({ from: 'a', to: 'b' }, running)).toBe(5_000);
    expect(interval({ range: '24h' }, idle)).toBe(30_000);
    expect(interval({ from: 'a', to: 'b' }, idle)).toBe(false);
  });

  it('key every list by instance and query, under one root', () => {
    const key = taskListOptions('i', { range: '7d' }).queryKey;
    expect(key).toEqual([...taskKeys.lists(), 'i', { range: '7d' }]);
    expect(key.slice(0, 1)).toEqual(taskKeys.all);
  });

  it('export every page of the filtered set', () => {
    const href = exportHref('i', { range: '7d', status: 'FAILED', page: '3', pageSize: '25', sort: 'name' }, 'csv');
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/api/instances/i/export');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      format: 'csv',
      range: '7d',
      status: 'FAILED',
      sort: 'name',
    });
  });
});
