import { useQuery } from '@tanstack/react-query';
import type { Task } from '../../../shared/task.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { Link } from '../../components/link.tsx';
import { formatExact, type Zone } from '../../lib/dates.ts';
import { taskPath } from '../../lib/router.ts';
import { taskDetailOptions } from './api.ts';
import { ParamsViewer } from './params-viewer.tsx';

/** A list answer carries only the start of a huge params string: the task route has it whole. */
function WholeParams({ instanceId, taskId }: { instanceId: string; taskId: string }) {
  const detail = useQuery(taskDetailOptions(instanceId, taskId));
  if (detail.data) return <ParamsViewer params={detail.data.task.params} />;
  return (
    <p className="muted" role="status">
      {detail.isError
        ? `These params are too large for the list and could not be loaded whole: ${detail.error.message}`
        : 'Loading these params whole (they are too large for the list)…'}
    </p>
  );
}

/** What an expanded row shows: params, ids, and the way to the task's own page. */
export function TaskDetailPanel({
  instanceId,
  task,
  zone,
  href,
}: {
  instanceId: string;
  task: Task;
  zone: Zone;
  /** The task page, with the view it is opened from. */
  href: string;
}) {
  return (
    <div className="detail-panel">
      <div className="detail-panel__facts">
        <span>
          Task id <code>{task.id}</code>
        </span>
        <span>Started {formatExact(task.createdAt, zone)}</span>
        <span>User id {task.userId || '—'}</span>
        <Link href={href} className="button">
          Open task page
        </Link>
        <CopyButton
          text={new URL(taskPath(instanceId, task.id), location.origin).href}
          label="Copy link"
          ariaLabel={`Copy link to task ${task.id}`}
        />
      </div>
      {task.paramsTruncated ? (
        <WholeParams instanceId={instanceId} taskId={task.id} />
      ) : (
        <ParamsViewer params={task.params} />
      )}
    </div>
  );
}
