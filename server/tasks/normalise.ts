import { isUnfinished, TASK_ID_PATTERN, type TaskField } from '../../shared/contract.ts';
import type { Task } from '../../shared/task.ts';
import type { DmsTask } from '../dms/types.ts';

/**
 * One ISO-8601 form (UTC, milliseconds) for every timestamp, so that sorting and comparing them
 * as text is sorting them in time, whatever form DMS sent (`…03Z`, `…03.471Z`, an offset);
 * text that is no time is kept as sent, to be shown raw.
 */
const canonicalTime = (value: string, ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : value);

/**
 * DMS's snake_case task to the BFF's Task, once, at the boundary. Nothing is refused
 * (docs/UPSTREAM.md, "Odd data"): a missing field is '' and named in `missing`, a status this
 * console does not know is kept as sent (and counts as finished), an unreadable time is kept raw.
 */
export const toTask = (t: DmsTask): Task => {
  const missing: TaskField[] = [];
  const field = (value: string | null, name: TaskField) => {
    if (value === null || value === '') missing.push(name);
    return value ?? '';
  };
  const id = field(t.id, 'id');
  const name = field(t.name, 'name');
  const status = field(t.status, 'status');
  const userName = field(t.user_name, 'userName');
  const createdRaw = field(t.created_at, 'createdAt');
  const createdMs = Date.parse(createdRaw);
  const createdAt = canonicalTime(createdRaw, createdMs);
  // each time parsed once (a cold window normalises 10,000 tasks on the event loop)
  const updatedMs = t.updated_at ? Date.parse(t.updated_at) : createdMs;
  const updatedAt = t.updated_at ? canonicalTime(t.updated_at, updatedMs) : createdAt;
  const duration = updatedMs - createdMs;
  return {
    id,
    name,
    status,
    userName,
    userId: t.user_id,
    createdAt,
    updatedAt,
    durationMs: status !== '' && !isUnfinished(status) && Number.isFinite(duration) && duration >= 0 ? duration : null,
    params: t.params,
    ...(missing.length > 0 ? { missing } : {}),
  };
};

/** Whether an id can name the task in a path (a DMS id): others are shown, never linked nor re-read. */
export const isTaskId = (id: string) => TASK_ID_PATTERN.test(id);

/**
 * What tells tasks apart in a window: the id when it is a DMS id, else what DMS sent besides its
 * status and end (which change), so an odd task repeated across pages is still counted once.
 */
export const taskKey = (t: Task): string =>
  isTaskId(t.id) ? t.id : JSON.stringify([t.id, t.name, t.createdAt, t.userName, t.userId, t.params]);
