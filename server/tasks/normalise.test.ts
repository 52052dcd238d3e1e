import { describe, expect, it } from 'vitest';
import type { DmsTask } from '../dms/types.ts';
import { toTask } from './normalise.ts';
import { queryWindow } from './query.ts';

const dms = (id: string, created: string, status = 'SUCCESS', updated: string | null = created): DmsTask => ({
  id: id.padStart(32, '0'),
  name: 'restartInstance',
  user_name: 'u',
  user_id: '',
  params: '{}',
  status,
  created_at: created,
  updated_at: updated,
});

describe('toTask', () => {
  it('writes every timestamp in one UTC form, so text order is time order', () => {
    const tasks = [
      dms('1', '2026-01-01T00:00:03Z'),
      dms('2', '2026-01-01T00:00:03.471Z'),
      dms('3', '2026-01-01T08:00:03.100+08:00'),
    ].map(toTask);
    expect(tasks.map((t) => t.createdAt)).toEqual([
      '2026-01-01T00:00:03.000Z',
      '2026-01-01T00:00:03.471Z',
      '2026-01-01T00:00:03.100Z',
    ]);
    const { matching } = queryWindow(tasks, { sort: 'createdAt', order: 'asc', page: 1, pageSize: 10 });
    expect(matching.map((t) => t.id.at(-1))).toEqual(['1', '3', '2']);
  });

  it('keeps a timestamp it cannot read as it came, and gives no duration for it', () => {
    const t = toTask(dms('4', 'yesterday', 'SUCCESS', '2026-01-01T00:00:03Z'));
    expect(t.createdAt).toBe('yesterday');
    expect(t.durationMs).toBeNull();
  });

  it('gives a duration only to finished tasks', () => {
    expect(toTask(dms('5', '2026-01-01T00:00:00Z', 'SUCCESS', '2026-01-01T00:01:00.500Z')).durationMs).toBe(60_500);
    expect(toTask(dms('6', '2026-01-01T00:00:00Z', 'EXECUTING', '2026-01-01T00:01:00Z')).durationMs).toBeNull();
  });
});
