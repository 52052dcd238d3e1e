import { Hono } from 'hono';
import { z } from 'zod';
import {
  type Behaviour,
  type BehaviourInput,
  type Faults,
  type FaultsInput,
  type OperationName,
  behaviourSchema,
  faultsSchema,
} from './faults.ts';
import { createRandom } from './random.ts';
import { DAY, USERS } from './seed.ts';
import type { InjectedTask } from './store.ts';

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** As received, query string included. */
  path: string;
  status: number;
  /** null for a path the gateway does not know. */
  operation: OperationName | null;
  durationMs: number;
  requestId: string;
  /** The fault that shaped the answer, if one did. */
  fault?: string;
}

export const REQUEST_LOG_SIZE = 1_000;

/** POST /_simulator/tasks: a task for one instance, created at the data clock's now. */
export const injectTaskSchema = z
  .object({
    instanceId: z.string().max(64),
    name: z.string().min(1).max(128).default('restartInstance'),
    /** The status it ends in. */
    final: z.enum(['SUCCESS', 'FAILED', 'CANCELLED', 'DELETED']).default('SUCCESS'),
    queuedMs: z.number().int().min(0).max(DAY).default(0),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(7 * DAY)
      .default(60_000),
    params: z.string().max(65_536).default('{}'),
    userName: z.enum(USERS).default('ops-admin'),
  })
  .strict();
export type InjectTaskInput = z.input<typeof injectTaskSchema>;

/**
 * The simulator's knobs and its request log. The public part (SimulatorControl) is what tests,
 * benchmarks and the /_simulator routes use; the rest is for the app's middleware.
 */
export const createControl = (initial: {
  faults: Faults;
  behaviour: Behaviour;
  onReset?: () => void;
  /** Places a task in the data (the store, at the clock's now); undefined for an unknown instance. */
  inject?: (instanceId: string, task: InjectedTask) => unknown;
}) => {
  let faults = initial.faults;
  let behaviour = initial.behaviour;
  let log: RequestLogEntry[] = [];
  let pending = 0;
  let random = createRandom(1);
  const throttleWindows = new Map<string, { minute: number; calls: number }>();
  const appliesTo = (op: OperationName | null) =>
    faults.operations === null || (op !== null && faults.operations.includes(op));

  /** Takes one from a "next N" fault; true when this call gets it. */
  const takeCounted = <K extends 'hang' | 'badBody'>(key: K, op: OperationName | null): Faults[K] | undefined => {
    const f = faults[key];
    if (!f || !appliesTo(op)) return undefined;
    if (f.count !== undefined) faults = { ...faults, [key]: f.count > 1 ? { ...f, count: f.count - 1 } : null };
    return f;
  };

  const control = {
    faults: (): Faults => faults,
    /** Replaces every fault; absent fields take their defaults. */
    setFaults: (input: FaultsInput = {}): Faults => (faults = faultsSchema.parse(input)),
    /** Changes only the fields given. */
    patchFaults: (input: Partial<FaultsInput>): Faults => (faults = faultsSchema.parse({ ...faults, ...input })),
    behaviour: (): Behaviour => behaviour,
    /** Changes only the switches given. */
    setBehaviour: (input: Partial<BehaviourInput>): Behaviour =>
      (behaviour = behaviourSchema.parse({ ...behaviour, ...input })),
    /** A task that arrives now, so a test need not wait for the clock; undefined for an unknown instance. */
    injectTask: (input: InjectTaskInput) => {
      const { instanceId, ...task } = injectTaskSchema.parse(input);
      return initial.inject?.(instanceId, task);
    },
    /** Requests received and not yet answered: a test's gate for "the call has reached DMS". */
    pending: () => pending,
    /** Oldest first; at most REQUEST_LOG_SIZE. */
    requests: (): RequestLogEntry[] => [...log],
    clearRequests: () => {
      log = [];
    },
    /** Faults and behaviour as at start, log and throttle counters cleared, data as seeded. */
    reset: () => {
      faults = initial.faults;
      behaviour = initial.behaviour;
      log = [];
      random = createRandom(1);
      throttleWindows.clear();
      initial.onReset?.();
    },
  };

  const internal = {
    arrived: () => void pending++,
    left: () => void pending--,
    record: (entry: RequestLogEntry) => {
      log.push(entry);
      if (log.length > REQUEST_LOG_SIZE) log = log.slice(-REQUEST_LOG_SIZE);
    },
    latencyMs: (op: OperationName | null) =>
      appliesTo(op) ? faults.latencyMs + Math.floor(random.next() * (faults.jitterMs + 1)) : 0,
    takeHang: (op: OperationName | null) => takeCounted('hang', op)?.ms,
    takeBadBody: (op: OperationName | null) => takeCounted('badBody', op)?.kind,
    takeBurst: (op: OperationName | null) => {
      const f = faults.throttleBurst;
      if (!f || !appliesTo(op)) return undefined;
      faults = { ...faults, throttleBurst: f.count > 1 ? { ...f, count: f.count - 1 } : null };
      return { retryAfterSeconds: f.retryAfterSeconds };
    },
    failNow: (op: OperationName | null) => appliesTo(op) && faults.errorRate > 0 && random.next() < faults.errorRate,
    /** Counts a call against the AK's minute; the limit and Retry-After when it is over. */
    throttled: (ak: string, gatewayNowMs: number) => {
      const t = faults.throttle;
      if (!t) return undefined;
      const minute = Math.floor(gatewayNowMs / 60_000);
      const w = throttleWindows.get(ak);
      const window = w && w.minute === minute ? w : { minute, calls: 0 };
      window.calls++;
      throttleWindows.set(ak, window);
      if (window.calls <= t.limitPerMinute) return undefined;
      return {
        limit: t.limitPerMinute,
        retryAfterSeconds: t.retryAfter ? 60 - Math.floor((gatewayNowMs % 60_000) / 1000) : null,
      };
    },
  };
  return { control, internal };
};
export type SimulatorControl = ReturnType<typeof createControl>['control'];
export type ControlInternals = ReturnType<typeof createControl>['internal'];

const plainObject = z.record(z.string(), z.unknown());
const invalid = (error: z.ZodError) => ({ error: 'invalid', issues: z.flattenError(error) });

/** /_simulator/*: exists only here, never in the BFF's API. No auth: the simulator listens on loopback. */
export const controlRoutes = (control: SimulatorControl) =>
  new Hono()
    .get('/faults', (c) => c.json(control.faults()))
    .put('/faults', async (c) => {
      const parsed = faultsSchema.safeParse(await c.req.json().catch(() => undefined));
      return parsed.success ? c.json(control.setFaults(parsed.data)) : c.json(invalid(parsed.error), 400);
    })
    .patch('/faults', async (c) => {
      const body = plainObject.safeParse(await c.req.json().catch(() => undefined));
      const parsed = faultsSchema.safeParse({ ...control.faults(), ...body.data });
      if (!body.success) return c.json(invalid(body.error), 400);
      return parsed.success ? c.json(control.patchFaults(body.data)) : c.json(invalid(parsed.error), 400);
    })
    .get('/behaviour', (c) => c.json(control.behaviour()))
    .put('/behaviour', async (c) => {
      const body = plainObject.safeParse(await c.req.json().catch(() => undefined));
      const parsed = behaviourSchema.safeParse({ ...control.behaviour(), ...body.data });
      if (!body.success) return c.json(invalid(body.error), 400);
      return parsed.success ? c.json(control.setBehaviour(body.data)) : c.json(invalid(parsed.error), 400);
    })
    .post('/tasks', async (c) => {
      const parsed = injectTaskSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json(invalid(parsed.error), 400);
      const task = control.injectTask(parsed.data);
      return task ? c.json(task, 201) : c.json({ error: 'unknown instance' }, 404);
    })
    .get('/requests', (c) => c.json({ requests: control.requests() }))
    .delete('/requests', (c) => {
      control.clearRequests();
      return c.body(null, 204);
    })
    .post('/reset', (c) => {
      control.reset();
      return c.body(null, 204);
    });
