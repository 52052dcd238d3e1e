import { Hono, type TypedResponse } from 'hono';
import { z } from 'zod';
import { instanceIdSchema, type InstanceList } from '../../shared/instance.ts';
import { LIST_PARAMS_MAX, rangeToMs } from '../../shared/contract.ts';
import { type TaskQuery, taskExportQuerySchema, taskQuerySchema } from '../../shared/task-query.ts';
import { type Task, taskIdSchema, type TaskDetail, type TaskList } from '../../shared/task.ts';
import { DomainError } from '../domain-error.ts';
import { asksFresh } from '../instances.ts';
import { toTask } from '../tasks/normalise.ts';
import { exportFilename, exportStream } from '../tasks/export.ts';
import { queryWindow, windowMemo } from '../tasks/query.ts';
import { flaggedTasks } from '../tasks/stats.ts';
import { type WindowEntry, type WindowStore, windowJson, windowKeyFor } from '../tasks/window.ts';
import { validate } from '../validate.ts';
import { cachedJson, jsonBytes, jsonKey } from './answer.ts';
import { instanceFor, loadWindow, type WindowRouteOptions } from './load-window.ts';
import type { FetchProgress } from '../progress.ts';

/** `GET /api/instances/{instanceId}/progress`: the window fetch under way, or null. */
export interface WindowProgress {
  progress: FetchProgress | null;
}

export type InstanceRoutesOptions = WindowRouteOptions;

const instanceParam = z.object({ instanceId: instanceIdSchema });
const taskParam = z.object({ instanceId: instanceIdSchema, taskId: taskIdSchema });

/**
 * The list answer is a pure function of a window (which never changes once fetched) and the
 * query, so its JSON is kept with the window in the store's one cache: a repeated page costs no
 * serialisation, which matters when a page holds a task with hundreds of KB of params.
 */
const forList = (t: Task): Task =>
  t.params.length > LIST_PARAMS_MAX ? { ...t, params: t.params.slice(0, LIST_PARAMS_MAX), paramsTruncated: true } : t;
/** The list answer's bytes, plain or compressed, kept with the window (`body|<query>`). */
const windowBytes = (windows: WindowStore, entry: WindowEntry) => (key: string, make: () => Uint8Array<ArrayBuffer>) =>
  windows.derive(entry, key, make, (body) => body.byteLength + 100);
const taskListJson = (windows: WindowStore, entry: WindowEntry, query: TaskQuery) => () => {
  const tasks = query.flag
    ? flaggedTasks(entry.tasks, entry.fetchedAt, query.flag, windowMemo(windows, entry))
    : entry.tasks;
  const result = queryWindow(tasks, query, windowMemo(windows, entry, query.flag));
  return jsonBytes({
    tasks: result.page.map(forList),
    total: result.matching.length,
    page: query.page,
    pageSize: query.pageSize,
    facets: result.facets,
    window: windowJson(entry),
    fetchedAt: new Date(entry.fetchedAt).toISOString(),
  } satisfies TaskList);
};

export const instanceRoutes = (options: InstanceRoutesOptions) => {
  const { directory, windows, rollingStepMs } = options;
  return (
    new Hono()
      .get('/', async (c) => c.json<InstanceList>(await directory.list(c.req.raw.signal, asksFresh(c.req.raw)), 200))
      .get('/:instanceId/tasks', validate('param', instanceParam), validate('query', taskQuerySchema), async (c) => {
        const { instanceId } = c.req.valid('param');
        const query = c.req.valid('query');
        const { entry } = await loadWindow(options, instanceId, query, c.req.raw);
        return cachedJson(
          c,
          windowBytes(windows, entry),
          `body|${jsonKey(query)}`,
          taskListJson(windows, entry, query),
        ) as unknown as Response & TypedResponse<TaskList, 200, 'json'>; // the body is a TaskList, serialised once
      })
      // What the fetch of the window this list query names is doing, for the SPA to say while it
      // waits; it reads memory only (no instance lookup, no upstream call), so it answers at once.
      .get('/:instanceId/progress', validate('param', instanceParam), validate('query', taskQuerySchema), (c) => {
        const target = windowKeyFor(
          c.req.valid('param').instanceId,
          c.req.valid('query'),
          Date.now(),
          rangeToMs,
          rollingStepMs,
        );
        return c.json<WindowProgress>({ progress: windows.progress(target) }, 200, { 'cache-control': 'no-store' });
      })
      .get('/:instanceId/tasks/:taskId', validate('param', taskParam), async (c) => {
        const { instanceId, taskId } = c.req.valid('param');
        const { upstream } = await instanceFor(directory, instanceId, c.req.raw);
        const cached = windows.findTaskIn(instanceId, taskId);
        // A task's params may be hundreds of KB (the diff asks for two): serialised and compressed
        // once, kept with the window that holds it, as the list's pages are.
        if (cached)
          return cachedJson(c, windowBytes(windows, cached.entry), `task|${taskId}`, () =>
            jsonBytes({ task: cached.task } satisfies TaskDetail),
          ) as unknown as Response & TypedResponse<TaskDetail, 200, 'json'>;
        // an unknown task is an empty list, or on some DMS versions a 404 (server/dms/errors.ts maps it)
        const task = await upstream.client.showTask(instanceId, taskId, c.req.raw.signal);
        if (!task) throw new DomainError('TASK_NOT_FOUND', `No task ${taskId} on instance ${instanceId}`);
        return c.json<TaskDetail>({ task: toTask(task) }, 200);
      })
      .get(
        '/:instanceId/export',
        validate('param', instanceParam),
        validate('query', taskExportQuerySchema),
        async (c) => {
          const { instanceId } = c.req.valid('param');
          const query = c.req.valid('query');
          const { instance, entry } = await loadWindow(options, instanceId, query, c.req.raw);
          const tasks = query.flag
            ? flaggedTasks(entry.tasks, entry.fetchedAt, query.flag, windowMemo(windows, entry))
            : entry.tasks;
          const { matching } = queryWindow(
            tasks,
            { ...query, page: 1, pageSize: Number.MAX_SAFE_INTEGER },
            windowMemo(windows, entry, query.flag),
          );
          const window = windowJson(entry);
          const filename = exportFilename(instance, window, query.format);
          return c.body(
            exportStream(matching, query.format, { instanceId, window, exportedAt: new Date().toISOString() }),
            200,
            {
              'Content-Type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
              'Content-Disposition': `attachment; filename="${filename}"`,
              'Cache-Control': 'no-store',
            },
          );
        },
      )
  );
};
