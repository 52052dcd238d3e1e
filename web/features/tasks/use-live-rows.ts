import { useCallback, useEffect, useState } from 'react';
import type { Task, TaskList } from '../../../shared/task.ts';

const MARK_MS = 4_000;
const NONE: ReadonlySet<string> = new Set();

export interface LiveRows {
  /** The rows to show: the accepted order, each row at its latest known state. */
  rows: readonly Task[];
  /** Tasks that arrived since the rows were accepted. */
  newCount: number;
  /** Ids whose status changed in the latest refresh (marked for a few seconds). */
  changed: ReadonlySet<string>;
  showNew: () => void;
}

/**
 * Refreshes of the same view update rows in place instead of reshuffling them under the reader;
 * new tasks wait behind an "N new" button. A different view (key) is accepted as it arrives.
 */
export const useLiveRows = (data: TaskList | undefined, isPlaceholder: boolean, viewKey: string): LiveRows => {
  const [accepted, setAccepted] = useState<{ key: string; data: TaskList } | undefined>();
  if (data && !isPlaceholder && accepted?.key !== viewKey) setAccepted({ key: viewKey, data });

  // Status changes between one answer and the next (state adjusted during render, not in an effect).
  const [previous, setPrevious] = useState(data);
  const [changed, setChanged] = useState<ReadonlySet<string>>(NONE);
  if (data !== previous && !isPlaceholder) {
    setPrevious(data);
    const before = new Map(previous?.tasks.map((t) => [t.id, t.status]));
    const now = data?.tasks.filter((t) => before.has(t.id) && before.get(t.id) !== t.status).map((t) => t.id) ?? [];
    if (now.length > 0) setChanged(new Set(now));
  }
  useEffect(() => {
    if (changed.size === 0) return;
    const t = setTimeout(() => setChanged(NONE), MARK_MS);
    return () => clearTimeout(t);
  }, [changed]);

  const showNew = useCallback(() => {
    if (data) setAccepted({ key: viewKey, data });
  }, [data, viewKey]);

  if (!data) return { rows: [], newCount: 0, changed, showNew };
  if (isPlaceholder || !accepted || accepted.key !== viewKey || accepted.data === data)
    return { rows: data.tasks, newCount: 0, changed, showNew };

  const latest = new Map(data.tasks.map((t) => [t.id, t]));
  const shownIds = new Set(accepted.data.tasks.map((t) => t.id));
  const arrivedOnPage = data.tasks.filter((t) => !shownIds.has(t.id) && t.createdAt > accepted.data.fetchedAt).length;
  return {
    rows: accepted.data.tasks.map((t) => latest.get(t.id) ?? t),
    newCount: Math.max(arrivedOnPage, data.total - accepted.data.total),
    changed,
    showNew,
  };
};
