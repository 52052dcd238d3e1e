import type { TaskStatus } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import { taskStatusSchema } from '../../shared/task.ts';
import type { DmsTask } from '../dms/types.ts';

const FINISHED: ReadonlySet<TaskStatus> = new Set(['SUCCESS', 'FAILED', 'CANCELLED', 'DELETED']);

/**
 * One ISO-8601 form (UTC, milliseconds) for every timestamp, so that sorting and comparing them
 * as text is sorting them in time, whatever form DMS sent (`…03Z`, `…03.471Z`, an offset).
 */
const canonicalTime = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
};

/** DMS's snake_case task to the BFF's Task, once, at the boundary. */
export const toTask = (t: DmsTask): Task => {
  const status = taskStatusSchema.catch('CREATED').parse(t.status);
  const createdAt = canonicalTime(t.created_at);
  const updatedAt = canonicalTime(t.updated_at ?? t.created_at);
  const duration = Date.parse(updatedAt) - Date.parse(createdAt);
  return {
    id: t.id,
    name: t.name,
    status,
    userName: t.user_name,
    userId: t.user_id,
    createdAt,
    updatedAt,
    durationMs: FINISHED.has(status) && Number.isFinite(duration) && duration >= 0 ? duration : null,
    params: t.params,
  };
};
