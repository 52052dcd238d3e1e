import './list-insights.css';
import { useEffect, useRef, useState } from 'react';

export interface RowTask {
  id: string;
  name: string;
  createdAt: string;
}

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/** `d` on a focused row picks it for the diff (the row is the `tr[data-row-id]` holding focus). */
export const useDiffKey = (onPick: (taskId: string) => void) => {
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'd' || e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      const row = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('tr[data-row-id]');
      if (!row?.dataset.rowId) return;
      e.preventDefault();
      pick.current(row.dataset.rowId);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
};

/** A row's diff controls: a checkbox to pick it, and "vs previous" to diff it against the run before. */
export function DiffPick({
  task,
  picked,
  onToggle,
  onIntent,
  onPrevious,
}: {
  task: RowTask;
  picked: boolean;
  onToggle: () => void;
  /** The checkbox is about to be pressed (pointer over or down, focus). */
  onIntent: () => void;
  onPrevious: () => Promise<boolean>;
}) {
  const [none, setNone] = useState(false);
  return (
    <span className="diff-pick">
      <input
        type="checkbox"
        checked={picked}
        onChange={onToggle}
        onPointerEnter={onIntent}
        onPointerDown={onIntent}
        onFocus={onIntent}
        aria-label={`Pick ${task.name} ${task.id} to compare params`}
        aria-keyshortcuts="d"
      />
      <button
        type="button"
        className="link-button"
        title={none ? 'No earlier run of this name in the window' : 'Compare params with the previous run of this name'}
        aria-label={`Compare ${task.name} ${task.id} with the previous run`}
        disabled={none}
        onClick={() => void onPrevious().then((found) => setNone(!found))}
      >
        vs prev
      </button>
    </span>
  );
}
