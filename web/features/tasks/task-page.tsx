import { useQuery } from '@tanstack/react-query';
import { CopyButton } from '../../components/copy-button.tsx';
import { ErrorPanel } from '../../components/error-panel.tsx';
import { Link } from '../../components/link.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { ApiRequestError } from '../../lib/api.ts';
import { formatDuration, formatExact, zoneLabel } from '../../lib/dates.ts';
import { listPath, taskPath } from '../../lib/router.ts';
import { useZone } from '../../lib/zone.ts';
import { taskDetailOptions } from './api.ts';
import { TASK_ID_PATTERN, UNFINISHED_STATUSES } from '../../../shared/contract.ts';
import { ParamsViewer } from './params-viewer.tsx';
import { StatusBadge } from './status-badge.tsx';

function NotFound({ instanceId, taskId }: { instanceId: string; taskId: string }) {
  return (
    <section className="panel" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Task not found</h1>
      <p>
        There is no task <code>{taskId}</code> on instance <code>{instanceId}</code>. The link may be mistyped, or the
        task may have aged out of the cloud's history.
      </p>
      <Link href={listPath(instanceId)} className="button">
        Back to the instance's tasks
      </Link>
    </section>
  );
}

/** `/instances/{instanceId}/tasks/{taskId}`: one task, every field, whatever the list shows. */
export function TaskPage({ instanceId, taskId }: { instanceId: string; taskId: string }) {
  const valid = TASK_ID_PATTERN.test(taskId);
  const [zone] = useZone();
  const detail = useQuery({ ...taskDetailOptions(instanceId, taskId), enabled: valid });
  if (!valid) return <NotFound instanceId={instanceId} taskId={taskId} />;
  if (detail.error) {
    if (detail.error instanceof ApiRequestError && detail.error.code === 'TASK_NOT_FOUND')
      return <NotFound instanceId={instanceId} taskId={taskId} />;
    return <ErrorPanel error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  if (!detail.data)
    return (
      <section className="panel" aria-busy="true" aria-label="Loading task">
        <div className="skeleton skeleton--title" />
        <div className="skeleton skeleton--line" />
        <div className="skeleton skeleton--line" />
      </section>
    );
  const { task } = detail.data;
  const link = new URL(taskPath(instanceId, taskId), location.origin).href;
  const running = UNFINISHED_STATUSES.includes(task.status);
  return (
    <article className="task-page" aria-labelledby="task-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={listPath(instanceId)}>← All tasks of this instance</Link>
      </nav>
      <header className="task-page__header">
        <h1 id="task-title">{task.name}</h1>
        <StatusBadge status={task.status} />
        <CopyButton
          text={link}
          label="Copy link"
          ariaLabel="Copy link to this task"
          className="button button--primary"
        />
      </header>
      <dl className="task-fields">
        <dt>Task id</dt>
        <dd>
          <code>{task.id}</code>
        </dd>
        <dt>Instance</dt>
        <dd>
          <code>{instanceId}</code>
        </dd>
        <dt>Status</dt>
        <dd>{task.status}</dd>
        <dt>User</dt>
        <dd>
          {task.userName || '—'} {task.userId && <code className="muted">{task.userId}</code>}
        </dd>
        <dt>Started</dt>
        <dd>
          {formatExact(task.createdAt, zone)} (<RelativeTime value={task.createdAt} zone={zone} />)
        </dd>
        <dt>{running ? 'Last update' : 'Ended'}</dt>
        <dd>
          {formatExact(task.updatedAt, zone)} (<RelativeTime value={task.updatedAt} zone={zone} />)
        </dd>
        <dt>Duration</dt>
        <dd>{running ? 'still running' : formatDuration(task.durationMs)}</dd>
        <dt>Times shown in</dt>
        <dd>{zoneLabel(zone, task.createdAt)}</dd>
      </dl>
      <ParamsViewer params={task.params} />
    </article>
  );
}
