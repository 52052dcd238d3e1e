import type { TaskDetail } from '../../../shared/task.ts';
import { api, ApiRequestError, getJson, hasObject } from '../../lib/api.ts';
import { diffParsed, parseParams, type ParamsDiff, type ParsedParams } from './params-diff-model.ts';

/** A task of the pair as the diff's header shows it: its params are in the diff. */
export type DiffTask = Omit<TaskDetail['task'], 'params'>;
export interface PairDiff {
  /** The older run first. */
  tasks: [DiffTask, DiffTask];
  diff: ParamsDiff;
}

interface Held {
  at: number;
  task: Promise<{ task: DiffTask; params: ParsedParams }>;
}

/** As long as the list's own answers stay fresh; a few tasks (each ~hundreds of KB parsed). */
const HELD_MS = 60_000;
const HELD_MAX = 6;
const held = new Map<string, Held>();

/**
 * A task read and its params parsed once, ahead of the diff that needs it (a pick, a hover): the
 * diff of a pair then waits only for what is not held yet.
 */
export const loadTask = (instanceId: string, taskId: string) => {
  const key = `${instanceId}/${taskId}`;
  const hit = held.get(key);
  if (hit && Date.now() - hit.at < HELD_MS) return hit.task;
  const task = getJson(
    (init) => api.instances[':instanceId'].tasks[':taskId'].$get({ param: { instanceId, taskId } }, { init }),
    hasObject<TaskDetail>('task'),
  ).then(({ task: { params, ...rest } }) => ({ task: rest, params: parseParams(params) }));
  held.delete(key);
  held.set(key, { at: Date.now(), task });
  // a failure is not kept: the next pick asks again
  task.catch(() => held.get(key)?.task === task && held.delete(key));
  for (const k of held.keys()) if (held.size > HELD_MAX) held.delete(k);
  return task;
};

/** Two tasks' params compared, the older run first. */
export const diffPair = async (instanceId: string, ids: readonly [string, string]): Promise<PairDiff> => {
  const both = await Promise.all(ids.map((id) => loadTask(instanceId, id)));
  const [a, b] = both.sort((x, y) => x.task.createdAt.localeCompare(y.task.createdAt));
  return { tasks: [a!.task, b!.task], diff: diffParsed(a!.params, b!.params) };
};

/** What crosses from the worker when a diff fails: ApiRequestError's fields. */
export interface DiffFailure {
  status: number;
  code: ApiRequestError['code'];
  message: string;
  upstream?: ApiRequestError['upstream'];
}

export const toFailure = (e: unknown): DiffFailure =>
  e instanceof ApiRequestError
    ? { status: e.status, code: e.code, message: e.message, ...(e.upstream ? { upstream: e.upstream } : {}) }
    : { status: 0, code: 'CONSOLE_BAD_ANSWER', message: e instanceof Error ? e.message : String(e) };

export const fromFailure = (f: DiffFailure) => new ApiRequestError(f.status, f.code, f.message, f.upstream);
