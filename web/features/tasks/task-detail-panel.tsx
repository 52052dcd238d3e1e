import './task-detail-panel.css';
import { useQuery } from '@tanstack/react-query';
import type { Task } from '../../../shared/task.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { NotSent } from '../../components/not-sent.tsx';
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
  /** The task page, with the view it is opened from; undefined when the task's id cannot name one. */
  href: string | undefined;
}) {
  return (
    <div className="detail-panel">
      <div className="detail-panel__facts">
        <span>Task id {task.id ? <code>{task.id}</code> : <NotSent what="id" />}</span>
        <span>Started {task.createdAt ? formatExact(task.createdAt, zone) : <NotSent what="start time" />}</span>
        <span>User id {task.userId || '—'}</span>
        {href ? (
          <>
            <Link href={href} className="button">
              Open task page
            </Link>
            <CopyButton
              text={new URL(taskPath(instanceId, task.id), location.origin).href}
              label="Copy link"
              ariaLabel={`Copy link to task ${task.id}`}
            />
          </>
        ) : (
          <span className="muted">This id is not a DMS task id: the task has no page of its own.</span>
        )}
      </div>
      {task.paramsTruncated ? (
        <WholeParams instanceId={instanceId} taskId={task.id} />
      ) : (
        <ParamsViewer params={task.params} />
      )}
    </div>
  );
}
