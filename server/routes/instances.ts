import { Hono } from 'hono';
import { z } from 'zod';
import { instanceIdSchema, type InstanceList } from '../../shared/instance.ts';
import { taskIdSchema } from '../../shared/task.ts';
import { resolveWindow, taskQuerySchema } from '../../shared/task-query.ts';
import type { TaskDetail, TaskList } from '../../shared/task.ts';
import { ApiFailure } from '../errors.ts';
import type { InstanceDirectory } from '../instances.ts';
import { toTask } from '../tasks/normalise.ts';
import { queryWindow } from '../tasks/query.ts';
import { fetchWindow } from '../tasks/window.ts';
import { validate } from '../validate.ts';

export const instanceRoutes = (directory: InstanceDirectory) => {
  const requireInstance = async (instanceId: string) => {
    const entry = await directory.find(instanceId);
    if (!entry) throw new ApiFailure(404, 'INSTANCE_NOT_FOUND', `No instance ${instanceId} in the configured projects`);
    return entry;
  };

  return new Hono()
    .get('/', async (c) => c.json<InstanceList>({ instances: await directory.list() }))
    .get(
      '/:instanceId/tasks',
      validate('param', z.object({ instanceId: instanceIdSchema })),
      validate('query', taskQuerySchema),
      async (c) => {
        const { instanceId } = c.req.valid('param');
        const query = c.req.valid('query');
        const { upstream } = await requireInstance(instanceId);
        const window = resolveWindow(query, Date.now());
        const tasks = await fetchWindow(upstream.client, instanceId, window, { signal: c.req.raw.signal });
        const result = queryWindow(tasks, query);
        return c.json<TaskList>({
          tasks: result.page,
          total: result.matching.length,
          page: query.page,
          pageSize: query.pageSize,
          facets: result.facets,
          window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
          fetchedAt: new Date().toISOString(),
        });
      },
    )
    .get(
      '/:instanceId/tasks/:taskId',
      validate('param', z.object({ instanceId: instanceIdSchema, taskId: taskIdSchema })),
      async (c) => {
        const { instanceId, taskId } = c.req.valid('param');
        const { upstream } = await requireInstance(instanceId);
        const task = await upstream.client.showTask(instanceId, taskId, c.req.raw.signal);
        if (!task) throw new ApiFailure(404, 'TASK_NOT_FOUND', `No task ${taskId} on instance ${instanceId}`);
        return c.json<TaskDetail>({ task: toTask(task) });
      },
    );
};
