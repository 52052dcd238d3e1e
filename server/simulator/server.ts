import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Credentials } from '../dms/signer.ts';
import { createSimulatorApp } from './app.ts';
import { createControl } from './control.ts';
import { type BehaviourInput, type FaultsInput, behaviourSchema, faultsSchema } from './faults.ts';
import { seed } from './seed.ts';
import { createStore } from './store.ts';

export const SIMULATOR_DEFAULTS = {
  ak: 'SIMULATORAK0000000001',
  sk: 'simulator-secret-key-0123456789abcdefghij',
  projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  seed: 20_261_128,
};

export interface StartSimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  ak?: string;
  sk?: string;
  projectId?: string;
  seed?: number;
  /** More credentials the gateway knows, e.g. temporary ones with a security token. */
  extraCredentials?: Credentials[];
  /** The data's clock (tasks arrive and finish by it); Date.now by default. Seeded from its first reading. */
  clock?: () => number;
  /** The gateway's clock for the X-Sdk-Date check; Date.now by default. */
  gatewayClock?: () => number;
  faults?: FaultsInput;
  behaviour?: BehaviourInput;
}

/** Starts the simulator on its own loopback port, reached over real HTTP like the cloud. */
export const startSimulator = async (options: StartSimulatorOptions = {}) => {
  const ak = options.ak ?? SIMULATOR_DEFAULTS.ak;
  const sk = options.sk ?? SIMULATOR_DEFAULTS.sk;
  const projectId = options.projectId ?? SIMULATOR_DEFAULTS.projectId;
  const clock = options.clock ?? Date.now;
  const seedStarted = performance.now();
  const seeded = seed(options.seed ?? SIMULATOR_DEFAULTS.seed, clock());
  const seedMs = performance.now() - seedStarted;
  const store = createStore(seeded);
  const { control, internal } = createControl({
    faults: faultsSchema.parse(options.faults ?? {}),
    behaviour: behaviourSchema.parse(options.behaviour ?? {}),
    onReset: store.reset,
    inject: (instanceId, task) => store.addTask(instanceId, task, clock()),
  });
  const credentials: Credentials[] = [{ ak, sk }, ...(options.extraCredentials ?? [])];
  const closing = new AbortController();
  const app = createSimulatorApp({
    store,
    projectId,
    credentials: () => credentials,
    control,
    internals: internal,
    clock,
    gatewayClock: options.gatewayClock ?? Date.now,
    closing: closing.signal,
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(s as Server));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ak,
    sk,
    projectId,
    /** The data as it stands now, by the data's clock. */
    data: {
      get instances() {
        return store.instances();
      },
      tasks: {
        /** Newest first, as ListBackgroundTasks orders them. */
        get: (instanceId: string) =>
          store.instance(instanceId)
            ? store.listTasks(instanceId, { start: 1, limit: Number.MAX_SAFE_INTEGER }, clock()).tasks
            : undefined,
      },
      store,
    },
    control,
    /** How long seeding took, in ms. */
    seedMs,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
export type RunningSimulator = Awaited<ReturnType<typeof startSimulator>>;
