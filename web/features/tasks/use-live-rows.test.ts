import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TaskList } from '../../../shared/task.ts';
import { aTask, aTaskList } from '../../test/render.tsx';
import { useLiveRows } from './use-live-rows.ts';

describe('useLiveRows', () => {
  it('keeps rows in place on refresh, counts new tasks, marks status changes', () => {
    const a = aTask({ status: 'EXECUTING', durationMs: null, createdAt: '2026-11-28T02:59:00.000Z' });
    const b = aTask({ createdAt: '2026-11-28T02:00:00.000Z' });
    const first = aTaskList([a, b], { fetchedAt: '2026-11-28T03:00:00.000Z' });
    const fresh = aTask({ status: 'CREATED', durationMs: null, createdAt: '2026-11-28T03:00:04.000Z' });
    const second = aTaskList([fresh, { ...a, status: 'SUCCESS', durationMs: 5_000 }], {
      total: 3,
      fetchedAt: '2026-11-28T03:00:05.000Z',
    });

    const { result, rerender } = renderHook(({ data }: { data: TaskList }) => useLiveRows(data, false, 'view'), {
      initialProps: { data: first },
    });
    expect(result.current.rows.map((t) => t.id)).toEqual([a.id, b.id]);

    rerender({ data: second });
    expect(result.current.rows.map((t) => t.id)).toEqual([a.id, b.id]);
    expect(result.current.rows[0]!.status).toBe('SUCCESS');
    expect(result.current.newCount).toBe(1);
    expect([...result.current.changed]).toEqual([a.id]);

    act(() => result.current.showNew());
    expect(result.current.rows.map((t) => t.id)).toEqual([fresh.id, a.id]);
    expect(result.current.newCount).toBe(0);
  });

  it('takes a different view as it comes', () => {
    const one = aTaskList([aTask()]);
    const two = aTaskList([aTask(), aTask()], { total: 2 });
    const { result, rerender } = renderHook(
      ({ data, key }: { data: TaskList; key: string }) => useLiveRows(data, false, key),
      { initialProps: { data: one, key: 'a' } },
    );
    rerender({ data: two, key: 'b' });
    expect(result.current.rows).toHaveLength(2);
    expect(result.current.newCount).toBe(0);
  });
});
