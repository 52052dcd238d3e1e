import './task-page.css';
import { useQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { CopyButton } from '../../components/copy-button.tsx';
import { Link } from '../../components/link.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { ApiRequestError } from '../../lib/api.ts';
import { formatDuration, formatExact, zoneLabel } from '../../lib/dates.ts';
import { taskPath } from '../../lib/router.ts';
import { useDocumentTitle } from '../../lib/title.ts';
import { useZone } from '../../lib/zone.ts';
import { taskDetailOptions } from './api.ts';
import { isUnfinished, TASK_ID_PATTERN } from '../../../shared/contract.ts';
import { NotSent } from '../../components/not-sent.tsx';
import { listHref } from './links.ts';
import { ParamsViewer } from './params-viewer.tsx';
import { StatusBadge } from './status-badge.tsx';
import { taskSearchParsers } from './url-state.ts';

function NotFound({ instanceId, taskId, back }: { instanceId: string; taskId: string; back: string }) {
  return (
    <section className="panel" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Task not found</h1>
      <p>
        There is no task <code>{taskId}</code> on instance <code>{instanceId}</code>. The link may be mistyped, or the
        task may have aged out of the cloud's history.
      </p>
      <Link href={back} className="button">
        Back to the instance's tasks
      </Link>
    </section>
  );
}

/**
 * `/instances/{instanceId}/tasks/{taskId}`: one task, every field, whatever the list shows. The
 * search params, when the page was opened from the list, are that list's view: the way back.
 */
export function TaskPage({
  instanceId,
  taskId,
  instanceName,
}: {
  instanceId: string;
  taskId: string;
  instanceName?: string | undefined;
}) {
  const valid = TASK_ID_PATTERN.test(taskId);
  const [zone] = useZone();
  const [listView] = useQueryStates(taskSearchParsers);
  const back = listHref(instanceId, listView);
  const detail = useQuery({
    ...taskDetailOptions(instanceId, taskId),
    enabled: valid,
    // A missing task is this page's own answer; any other failure goes to the section's boundary,
    // whose Retry runs the query again.
    throwOnError: (e) => !(e instanceof ApiRequestError && e.code === 'TASK_NOT_FOUND'),
  });
  const loaded = detail.data?.task;
  useDocumentTitle(
    loaded ? `${loaded.name} ${loaded.id.slice(0, 8)}` : `Task ${taskId.slice(0, 8)}`,
    instanceName ?? instanceId,
  );
  if (!valid) return <NotFound instanceId={instanceId} taskId={taskId} back={back} />;
  if (detail.error) return <NotFound instanceId={instanceId} taskId={taskId} back={back} />;
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
  const running = isUnfinished(task.status);
  return (
    <article className="task-page" aria-labelledby="task-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={back}>← All tasks of {instanceName ?? 'this instance'}</Link>
      </nav>
      <header className="task-page__header">
        <h1 id="task-title">{task.name || <NotSent what="name" />}</h1>
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
          {instanceName && <strong>{instanceName}</strong>}{' '}
          <code className={instanceName ? 'muted' : undefined}>{instanceId}</code>
        </dd>
        <dt>Status</dt>
        <dd>{task.status || <NotSent what="status" />}</dd>
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
