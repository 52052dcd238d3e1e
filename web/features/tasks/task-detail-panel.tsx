import type { Task } from '../../../shared/task.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { Link } from '../../components/link.tsx';
import { formatExact, type Zone } from '../../lib/dates.ts';
import { taskPath } from '../../lib/router.ts';
import { ParamsViewer } from './params-viewer.tsx';

/** What an expanded row shows: params, ids, and the way to the task's own page. */
export function TaskDetailPanel({ instanceId, task, zone }: { instanceId: string; task: Task; zone: Zone }) {
  const href = taskPath(instanceId, task.id);
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
          text={new URL(href, location.origin).href}
          label="Copy link"
          ariaLabel={`Copy link to task ${task.id}`}
        />
      </div>
      <ParamsViewer params={task.params} />
    </div>
  );
}
