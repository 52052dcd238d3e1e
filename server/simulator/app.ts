import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { ENGINES, INSTANCE_ID_PATTERN, TASK_ID_PATTERN } from '../../shared/contract.ts';
import type { Credentials } from '../dms/signer.ts';
import { type ControlInternals, type SimulatorControl, controlRoutes } from './control.ts';
import type { OperationName } from './faults.ts';
import { type ReceivedRequest, GATEWAY_MESSAGES, authenticate, gatewayError } from './gateway.ts';
import type { SimStore } from './store.ts';

export interface SimulatorAppOptions {
  store: SimStore;
  /** The default project: the one instances without a fleet placement live in. */
  projectId: string;
  /** Every project this simulator serves (a fleet has two); default: projectId only. */
  projectIds?: readonly string[];
  /** The region this endpoint is; instances placed in another region are not here. Default 'simulator'. */
  region?: string;
  credentials: () => readonly Credentials[];
  control: SimulatorControl;
  internals: ControlInternals;
  /** The data's clock: tasks arrive and finish by it. */
  clock: () => number;
  /** The gateway's clock, before any configured skew. */
  gatewayClock: () => number;
  /** Aborted when the simulator closes, so hung calls end. */
  closing?: AbortSignal;
}

type Env = { Bindings: Partial<HttpBindings>; Variables: { requestId: string } };

const OPERATION_ROUTES: [string, RegExp, OperationName][] = [
  ['GET', /^\/v2\/[^/]+\/instances$/, 'ListInstancesDetails'],
  ['GET', /^\/v2\/[^/]+\/instances\/[^/]+$/, 'ShowInstance'],
  ['GET', /^\/v2\/[^/]+\/instances\/[^/]+\/tasks$/, 'ListBackgroundTasks'],
  ['GET', /^\/v2\/[^/]+\/instances\/[^/]+\/tasks\/[^/]+$/, 'ShowBackgroundTask'],
  ['DELETE', /^\/v2\/[^/]+\/instances\/[^/]+\/tasks\/[^/]+$/, 'DeleteBackgroundTask'],
];

/** Which published API a method and raw path name; undefined is the gateway's 404. */
export const operationOf = (method: string, path: string): OperationName | undefined =>
  OPERATION_ROUTES.find(([m, re]) => m === method && re.test(path))?.[2];

const dmsError = (code: string, msg: string) => ({ error_code: code, error_msg: msg });
const INVALID_PARAM = dmsError('DMS.00400062', 'Invalid {0} parameter in the request.');
const INVALID_INSTANCE = dmsError('DMS.00400061', 'Invalid instance ID format.');
const NO_INSTANCE = dmsError('DMS.00404022', 'This instance does not exist.');
const INVALID_TASK = dmsError('DMS.00400070', 'Invalid task ID format.');
const BAD_TIME = dmsError('DMS.00400142', 'Timestamp is invalid.');
const BAD_OFFSET = dmsError('DMS.40050010', 'Offset parameter is invalid.');
const INTERNAL = dmsError('DMS.00500000', 'Internal service error.');
const READ_ONLY = dmsError(
  'DMS.00403002',
  'A tenant has the read-only permission and cannot perform operations on DMS.',
);

/** `YYYYMMDDHHmmss` (UTC) to epoch ms; undefined unless it names a real instant. */
export const parseDmsTime = (value: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return same ? ms : undefined;
};

const intParam = (value: string | undefined, fallback: number, min: number, max: number): number | undefined => {
  if (value === undefined) return fallback;
  if (!/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n < min || n > max ? undefined : n;
};
const boolParam = (value: string | undefined): boolean | undefined | 'invalid' =>
  value === undefined ? undefined : value === 'true' ? true : value === 'false' ? false : 'invalid';

/**
 * Calls asleep on each signal, woken by the one listener the signal holds while any sleeps: the
 * closing signal lives as long as the simulator and is shared by every call in flight, so a
 * listener a call would reach the EventTarget's limit of 10 (MaxListenersExceededWarning) at
 * eleven calls at once.
 */
const sleepers = new WeakMap<AbortSignal, { wakers: Set<() => void>; onAbort: () => void }>();
const watch = (signal: AbortSignal, wake: () => void) => {
  let s = sleepers.get(signal);
  if (!s) {
    const wakers = new Set<() => void>();
    const onAbort = () => {
      sleepers.delete(signal);
      for (const w of [...wakers]) w();
    };
    s = { wakers, onAbort };
    sleepers.set(signal, s);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  s.wakers.add(wake);
};
const unwatch = (signal: AbortSignal, wake: () => void) => {
  const s = sleepers.get(signal);
  if (!s?.wakers.delete(wake) || s.wakers.size > 0) return;
  sleepers.delete(signal);
  signal.removeEventListener('abort', s.onAbort);
};

export const sleep = (ms: number, signals: (AbortSignal | undefined)[]) =>
  new Promise<void>((resolve) => {
    const live = signals.filter((s): s is AbortSignal => s !== undefined);
    if (ms <= 0 || live.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of live) unwatch(s, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of live) watch(s, done);
  });

/** A body cut in half, or one that is not JSON at all, as broken proxies and load balancers send. */
const spoil = async (res: Response, kind: 'truncated' | 'non-json'): Promise<Response> => {
  const text = await res.text();
  const body =
    kind === 'truncated'
      ? text.slice(0, Math.floor(text.length / 2))
      : '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(body, { status: res.status, headers });
};

/** The DMS for RabbitMQ API as this product uses it, behind the API gateway, plus /_simulator. */
export const createSimulatorApp = (options: SimulatorAppOptions) => {
  const { store, projectId, control, internals, clock } = options;
  const region = options.region ?? 'simulator';
  const app = new Hono<Env>();
  /** Whether an instance lives in this endpoint's region and the given project. */
  const servedHere = (instanceId: string, project: string) => {
    const placement = store.placement(instanceId) ?? { projectId, region: 'simulator' };
    return placement.projectId === project && placement.region === region;
  };
  const gatewayNow = () => options.gatewayClock() + control.faults().clockSkewMs;

  app.route('/_simulator', controlRoutes(control));

  // The gateway: every step a real call passes before DMS sees it, plus the injected faults.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/_simulator/')) return next();
    const startedAt = Date.now();
    const requestId = randomBytes(16).toString('hex');
    c.set('requestId', requestId);
    const target = c.env?.incoming?.url ?? `${url.pathname}${url.search}`;
    const path = target.split('?')[0]!;
    const op = operationOf(c.req.method, path) ?? null;
    let fault: string | undefined;

    const run = async (): Promise<Response | undefined> => {
      const signals = [options.closing, c.req.raw.signal];
      await sleep(internals.latencyMs(op), signals);
      const hangMs = internals.takeHang(op);
      if (hangMs !== undefined) {
        fault = 'hang';
        await sleep(hangMs, signals);
      }
      if (!op) return gatewayError(404, 'APIGW.0101', GATEWAY_MESSAGES.unknownApi, requestId);
      const burst = internals.takeBurst(op);
      if (burst) {
        fault = 'throttleBurst';
        const headers: Record<string, string> =
          burst.retryAfterSeconds === null ? {} : { 'retry-after': String(burst.retryAfterSeconds) };
        // the gateway's burst answers quote its default per-user policy
        return gatewayError(429, 'APIGW.0308', GATEWAY_MESSAGES.throttled(100), requestId, headers);
      }
      const received: ReceivedRequest = {
        method: c.req.method,
        target,
        header: (name) => c.req.header(name),
        body: new Uint8Array(await c.req.arrayBuffer()),
      };
      const auth = authenticate(
        received,
        {
          credentials: options.credentials,
          revokedAks: () => control.faults().revokedAks,
          projectId: options.projectIds ?? projectId,
          now: gatewayNow,
        },
        requestId,
      );
      if ('response' in auth) return auth.response;
      const throttled = internals.throttled(auth.ak, gatewayNow());
      if (throttled) {
        fault = 'throttle';
        const headers: Record<string, string> =
          throttled.retryAfterSeconds === null ? {} : { 'retry-after': String(throttled.retryAfterSeconds) };
        return gatewayError(429, 'APIGW.0308', GATEWAY_MESSAGES.throttled(throttled.limit), requestId, headers);
      }
      if (internals.failNow(op)) {
        fault = 'errorRate';
        return c.json(INTERNAL, 500);
      }
      if (op === 'DeleteBackgroundTask' && control.faults().readOnly) {
        fault = 'readOnly';
        return c.json(READ_ONLY, 403);
      }
      return undefined;
    };

    internals.arrived();
    try {
      const early = await run();
      if (early) c.res = early;
      else await next();
      const badBody = c.res.status !== 204 && op ? internals.takeBadBody(op) : undefined;
      if (badBody) {
        fault = badBody === 'truncated' ? 'badBody:truncated' : 'badBody:non-json';
        c.res = await spoil(c.res, badBody);
      }
      c.res.headers.set('X-Request-Id', requestId);
      // the gateway's own clock, skew included: what a client compares its clock with
      c.res.headers.set('Date', new Date(gatewayNow()).toUTCString());
      internals.record({
        at: new Date(startedAt).toISOString(),
        method: c.req.method,
        path: target,
        status: c.res.status,
        operation: op,
        durationMs: Date.now() - startedAt,
        requestId,
        ...(fault ? { fault } : {}),
      });
    } finally {
      internals.left();
    }
  });

  const checkInstance = (id: string, project: string) =>
    !INSTANCE_ID_PATTERN.test(id)
      ? { body: INVALID_INSTANCE, status: 400 as const }
      : !store.instance(id) || !servedHere(id, project)
        ? { body: NO_INSTANCE, status: 404 as const }
        : undefined;
  /** An instance the faults break: its task reads fail, the rest of the fleet answers. */
  const broken = (id: string) => control.faults().failInstances.includes(id);

  const v2 = new Hono<Env>()
    .get('/:projectId/instances', (c) => {
      const q = (name: string) => c.req.query(name);
      const offset = intParam(q('offset'), 0, 0, 1_000_000);
      const limit = intParam(q('limit'), 10, 1, 50);
      const exact = boolParam(q('exact_match_name'));
      const includeFailure = boolParam(q('include_failure'));
      const engine = q('engine');
      if (!ENGINES.some((e) => e === engine) || offset === undefined || limit === undefined)
        return c.json(INVALID_PARAM, 400);
      if (exact === 'invalid' || includeFailure === 'invalid') return c.json(INVALID_PARAM, 400);
      const name = q('name');
      const matching = store
        .instances()
        .filter(
          (i) =>
            i.engine === engine &&
            servedHere(i.instance_id, c.req.param('projectId')) &&
            (name === undefined || (exact ? i.name === name : i.name.includes(name))) &&
            (q('instance_id') === undefined || i.instance_id === q('instance_id')) &&
            (q('status') === undefined || i.status === q('status')) &&
            (q('enterprise_project_id') === undefined || i.enterprise_project_id === q('enterprise_project_id')) &&
            (includeFailure !== false || i.status !== 'CREATEFAILED'),
        );
      if (offset > 0 && offset >= matching.length) return c.json(BAD_OFFSET, 400);
      return c.json({ instances: matching.slice(offset, offset + limit), instance_num: matching.length });
    })
    .get('/:projectId/instances/:instanceId', (c) => {
      const id = c.req.param('instanceId');
      const err = checkInstance(id, c.req.param('projectId'));
      return err ? c.json(err.body, err.status) : c.json(store.instance(id));
    })
    .get('/:projectId/instances/:instanceId/tasks', (c) => {
      const instanceId = c.req.param('instanceId');
      const err = checkInstance(instanceId, c.req.param('projectId'));
      if (err) return c.json(err.body, err.status);
      if (broken(instanceId)) return c.json(INTERNAL, 500);
      const { paging, timeZoneOffsetMin, endExclusive } = control.behaviour();
      // `start` (Python SDK, Terraform) is a 1-based index, `offset` (newer docs, Go/Node SDKs) a
      // 0-based one; the switch says which this DMS honours, and the other is ignored.
      const startRaw = paging === 'offset' ? undefined : c.req.query('start');
      const offsetRaw = paging === 'start' ? undefined : c.req.query('offset');
      const fromOffset = offsetRaw === undefined ? undefined : intParam(offsetRaw, 0, 0, 1_000_000_000);
      const start =
        startRaw !== undefined
          ? intParam(startRaw, 1, 1, 1_000_000_000)
          : offsetRaw === undefined
            ? 1
            : fromOffset === undefined
              ? undefined
              : fromOffset + 1;
      const limit = intParam(c.req.query('limit'), 10, 1, 100);
      if (start === undefined || limit === undefined) return c.json(INVALID_PARAM, 400);
      const beginRaw = c.req.query('begin_time');
      const endRaw = c.req.query('end_time');
      const zone = timeZoneOffsetMin * 60_000;
      const beginLocal = beginRaw === undefined ? undefined : parseDmsTime(beginRaw);
      const endLocal = endRaw === undefined ? undefined : parseDmsTime(endRaw);
      if ((beginRaw !== undefined && beginLocal === undefined) || (endRaw !== undefined && endLocal === undefined)) {
        return c.json(BAD_TIME, 400);
      }
      const beginMs = beginLocal === undefined ? undefined : beginLocal - zone;
      // end_time names a whole second: a task created within it is inside, unless the end is exclusive
      const endMs = endLocal === undefined ? undefined : endLocal - zone + (endExclusive ? -1 : 999);
      const { total, tasks } = store.listTasks(instanceId, { beginMs, endMs, start, limit }, clock());
      return c.json({ task_count: String(total), tasks });
    })
    .get('/:projectId/instances/:instanceId/tasks/:taskId', (c) => {
      const err = checkInstance(c.req.param('instanceId'), c.req.param('projectId'));
      if (err) return c.json(err.body, err.status);
      if (broken(c.req.param('instanceId'))) return c.json(INTERNAL, 500);
      if (!TASK_ID_PATTERN.test(c.req.param('taskId'))) return c.json(INVALID_TASK, 400);
      const task = store.task(c.req.param('instanceId'), c.req.param('taskId'), clock());
      if (task) return c.json({ task_count: '1', tasks: [task] });
      const behaviour = control.behaviour();
      if (behaviour.unknownTask === 'empty') return c.json({ task_count: '0', tasks: [] });
      const { status, ...body } = behaviour.taskNotFound;
      return c.json(body, status as 404);
    })
    .delete('/:projectId/instances/:instanceId/tasks/:taskId', (c) => {
      const err = checkInstance(c.req.param('instanceId'), c.req.param('projectId'));
      if (err) return c.json(err.body, err.status);
      if (!TASK_ID_PATTERN.test(c.req.param('taskId'))) return c.json(INVALID_TASK, 400);
      const result = store.deleteTask(c.req.param('instanceId'), c.req.param('taskId'), clock());
      if (result === 'deleted') return c.body(null, 204);
      const { status, ...body } =
        result === 'unfinished' ? control.behaviour().deleteUnfinished : control.behaviour().taskNotFound;
      return c.json(body, status as 400);
    });

  app.route('/v2', v2);
  app.notFound((c) => gatewayError(404, 'APIGW.0101', GATEWAY_MESSAGES.unknownApi, c.get('requestId') ?? ''));
  app.onError((error, c) => {
    console.error('simulator: unexpected error', error);
    return c.json(INTERNAL, 500);
  });
  return app;
};
