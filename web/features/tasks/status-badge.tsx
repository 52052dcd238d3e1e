import { type ApiTaskStatus, isKnownStatus } from '../../../shared/contract.ts';
import { NotSent } from '../../components/not-sent.tsx';

/**
 * Colour and text together: the word is always there, the colour only helps. A status this
 * console does not know is shown as DMS sent it, marked as unknown.
 */
export function StatusBadge({ status }: { status: ApiTaskStatus }) {
  if (status === '') return <NotSent what="status" />;
  const known = isKnownStatus(status);
  return (
    <span
      className={`status status--${known ? status.toLowerCase() : 'unknown'}`}
      title={known ? undefined : 'A status this console does not know, shown as DMS sent it'}
    >
      <span className="status__dot" aria-hidden="true" />
      {status}
    </span>
  );
}
