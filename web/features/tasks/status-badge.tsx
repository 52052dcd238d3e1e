import type { TaskStatus } from '../../../shared/contract.ts';

/** Colour and text together: the word is always there, the colour only helps. */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span className={`status status--${status.toLowerCase()}`}>
      <span className="status__dot" aria-hidden="true" />
      {status}
    </span>
  );
}
