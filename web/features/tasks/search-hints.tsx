import { useQuery } from '@tanstack/react-query';
import { Link } from '../../components/link.tsx';
import { ApiRequestError } from '../../lib/api.ts';
import { formatCell, type Zone } from '../../lib/dates.ts';
import { taskDetailOptions } from './api.ts';
import { INSTANCE_ID_PATTERN, TASK_ID_PATTERN } from '../../../shared/contract.ts';
import { otherInstanceHref, taskHref } from './links.ts';
import type { TaskSearch } from './url-state.ts';

export interface InstanceRef {
  id: string;
  name: string;
}

/** A pasted task id the window does not hold: the task route finds it in any range. */
function TaskIdHint({
  instanceId,
  taskId,
  zone,
  search,
}: {
  instanceId: string;
  taskId: string;
  zone: Zone;
  search: TaskSearch;
}) {
  const detail = useQuery({ ...taskDetailOptions(instanceId, taskId), retry: false });
  if (detail.data) {
    const { task } = detail.data;
    return (
      <div className="notice" role="status">
        <p>
          Task <code>{task.id}</code> ({task.name}, {task.status}, started {formatCell(task.createdAt, zone)}) is
          outside this range.
        </p>
        <Link className="button button--primary" href={taskHref(instanceId, task.id, search)}>
          Open task {task.name}
        </Link>
      </div>
    );
  }
  if (detail.error instanceof ApiRequestError && detail.error.code === 'TASK_NOT_FOUND')
    return (
      <p className="notice" role="status">
        No task with the id <code>{taskId}</code> on this instance, in any range.
      </p>
    );
  return null;
}

/** What a pasted id in the search box means beyond this window: a task to open, or another instance. */
export function SearchHints({
  instanceId,
  instances,
  search,
  zone,
  inRows,
  settled,
}: {
  instanceId: string;
  instances: readonly InstanceRef[];
  search: TaskSearch;
  zone: Zone;
  /** Whether a row on screen already has this id. */
  inRows: (id: string) => boolean;
  /** The list has answered for this search (no lookup while it is still loading). */
  settled: boolean;
}) {
  const text = search.q.trim().toLowerCase();
  if (TASK_ID_PATTERN.test(text)) {
    if (!settled || inRows(text)) return null;
    return <TaskIdHint key={text} instanceId={instanceId} taskId={text} zone={zone} search={search} />;
  }
  if (INSTANCE_ID_PATTERN.test(text) && text !== instanceId) {
    const other = instances.find((i) => i.id === text);
    if (!other) return null;
    return (
      <div className="notice" role="status">
        <p>
          <code>{text}</code> is the id of the instance <strong>{other.name}</strong>.
        </p>
        <Link className="button button--primary" href={otherInstanceHref(other.id, { ...search, q: null })}>
          Show the tasks of {other.name}
        </Link>
      </div>
    );
  }
  return null;
}
