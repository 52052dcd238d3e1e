import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Credentials } from '../dms/signer.ts';
import { gatewayAuth } from './gateway.ts';
import type { SimData, SimTask } from './seed.ts';

export interface SimulatorOptions {
  data: SimData;
  projectId: string;
  credentials: Credentials[];
  now?: () => number;
}

type Env = { Variables: { requestId: string } };

const dmsError = (status: number, code: string, msg: string) => ({
  status,
  body: { error_code: code, error_msg: msg },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TASK_ID = /^[0-9a-f]{32}$/;
const DMS_TIME = /^\d{14}$/;

/** `YYYYMMDDHHmmss` (UTC) to an ISO string for comparison with created_at; undefined if invalid. */
const dmsTimeToIso = (value: string): string | undefined => {
  if (!DMS_TIME.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12, 14)}.000Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) || date.toISOString() !== iso ? undefined : iso;
};

const intParam = (value: string | undefined, fallback: number, min: number, max: number): number | undefined => {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n < min || n > max ? undefined : n;
};

/** The DMS for RabbitMQ API as this product uses it, behind the API gateway's AK/SK check. */
export const createSimulatorApp = (options: SimulatorOptions) => {
  const now = options.now ?? Date.now;
  const { data, projectId } = options;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    c.set('requestId', randomBytes(16).toString('hex'));
    await next();
    c.header('X-Request-Id', c.get('requestId'));
  });
  app.use('/v2/*', gatewayAuth({ credentials: () => options.credentials, now }));

  const v2 = new Hono<Env>();
  v2.use('/:projectId/*', async (c, next) => {
    if (c.req.param('projectId') !== projectId || c.req.header('x-project-id') !== projectId) {
      return c.json(
        {
          error_msg: 'Incorrect IAM authentication information: the project id does not match the credentials',
          error_code: 'APIGW.0301',
          request_id: c.get('requestId'),
        },
        401,
      );
    }
    await next();
  });

  const findInstance = (id: string) => data.instances.find((i) => i.instance_id === id);
  const checkInstance = (id: string) =>
    !UUID.test(id)
      ? dmsError(400, 'DMS.00400061', 'Invalid instance ID format.')
      : !findInstance(id)
        ? dmsError(404, 'DMS.00404022', 'This instance does not exist.')
        : undefined;

  v2.get('/:projectId/instances', (c) => {
    if (c.req.query('engine') !== 'rabbitmq')
      return c.json(dmsError(400, 'DMS.00400062', 'Invalid {0} parameter in the request.').body, 400);
    const offset = intParam(c.req.query('offset'), 0, 0, 1_000_000);
    const limit = intParam(c.req.query('limit'), 10, 1, 50);
    if (offset === undefined || limit === undefined) {
      return c.json(dmsError(400, 'DMS.00400062', 'Invalid {0} parameter in the request.').body, 400);
    }
    const total = data.instances.length;
    if (offset > 0 && offset >= total)
      return c.json(dmsError(400, 'DMS.40050010', 'Offset parameter is invalid.').body, 400);
    return c.json({ instances: data.instances.slice(offset, offset + limit), instance_num: total });
  });

  v2.get('/:projectId/instances/:instanceId', (c) => {
    const err = checkInstance(c.req.param('instanceId'));
    if (err) return c.json(err.body, err.status as 400);
    return c.json(findInstance(c.req.param('instanceId')));
  });

  v2.get('/:projectId/instances/:instanceId/tasks', (c) => {
    const instanceId = c.req.param('instanceId');
    const err = checkInstance(instanceId);
    if (err) return c.json(err.body, err.status as 400);
    const start = intParam(c.req.query('start') ?? c.req.query('offset'), 1, 1, 1_000_000_000);
    const limit = intParam(c.req.query('limit'), 10, 1, 100);
    if (start === undefined || limit === undefined) {
      return c.json(dmsError(400, 'DMS.00400062', 'Invalid {0} parameter in the request.').body, 400);
    }
    const beginRaw = c.req.query('begin_time');
    const endRaw = c.req.query('end_time');
    const begin = beginRaw === undefined ? undefined : dmsTimeToIso(beginRaw);
    const end = endRaw === undefined ? undefined : dmsTimeToIso(endRaw);
    if ((beginRaw !== undefined && !begin) || (endRaw !== undefined && !end)) {
      return c.json(dmsError(400, 'DMS.00400142', 'Timestamp is invalid.').body, 400);
    }
    // end_time is whole seconds: a task created within that second is still inside.
    const endExclusive = end && new Date(Date.parse(end) + 1000).toISOString();
    const matching = (data.tasks.get(instanceId) ?? []).filter(
      (t: SimTask) => (!begin || t.created_at >= begin) && (!endExclusive || t.created_at < endExclusive),
    );
    return c.json({ task_count: String(matching.length), tasks: matching.slice(start - 1, start - 1 + limit) });
  });

  v2.get('/:projectId/instances/:instanceId/tasks/:taskId', (c) => {
    const err = checkInstance(c.req.param('instanceId'));
    if (err) return c.json(err.body, err.status as 400);
    if (!TASK_ID.test(c.req.param('taskId')))
      return c.json(dmsError(400, 'DMS.00400070', 'Invalid task ID format.').body, 400);
    const task = data.tasks.get(c.req.param('instanceId'))?.find((t) => t.id === c.req.param('taskId'));
    return c.json({ task_count: task ? '1' : '0', tasks: task ? [task] : [] });
  });

  app.route('/v2', v2);
  app.notFound((c) =>
    c.json(
      {
        error_msg: 'The API does not exist or has not been published in the environment.',
        error_code: 'APIGW.0101',
        request_id: c.get('requestId'),
      },
      404,
    ),
  );
  return app;
};
