import type { Task, TaskStatus } from '../../shared/task.ts';
import { taskStatusSchema } from '../../shared/task.ts';
import type { DmsTask } from '../dms/types.ts';

const FINISHED: ReadonlySet<TaskStatus> = new Set(['SUCCESS', 'FAILED', 'CANCELLED', 'DELETED']);

/** DMS's snake_case task to the BFF's Task, once, at the boundary. */
export const toTask = (t: DmsTask): Task => {
  const status = taskStatusSchema.catch('CREATED').parse(t.status);
  const updatedAt = t.updated_at ?? t.created_at;
  const duration = Date.parse(updatedAt) - Date.parse(t.created_at);
  return {
    id: t.id,
    name: t.name,
    status,
    userName: t.user_name,
    userId: t.user_id,
    createdAt: t.created_at,
    updatedAt,
    durationMs: FINISHED.has(status) && Number.isFinite(duration) && duration >= 0 ? duration : null,
    params: t.params,
  };
};
