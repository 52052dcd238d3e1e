import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Credentials } from '../dms/signer.ts';
import { createSimulatorApp } from './app.ts';
import { createControl } from './control.ts';
import { type BehaviourInput, type FaultsInput, behaviourSchema, faultsSchema } from './faults.ts';
import { FLEET_PROJECTS, FLEET_REGIONS, seed } from './seed.ts';
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
  /**
   * SIMULATOR_FLEET: this many instances over three regions (an endpoint, so a port, each) and two
   * projects, instead of the seven hand-planned ones. `port` is the first region's; the others take free ones.
   */
  fleet?: number | undefined;
}

/** One project in one region of the simulator, as a console target names it. */
export interface SimulatorTarget {
  projectId: string;
  region: string;
  url: string;
}

/** Starts the simulator on its own loopback port, reached over real HTTP like the cloud. */
export const startSimulator = async (options: StartSimulatorOptions = {}) => {
  const ak = options.ak ?? SIMULATOR_DEFAULTS.ak;
  const sk = options.sk ?? SIMULATOR_DEFAULTS.sk;
  const projectId = options.projectId ?? SIMULATOR_DEFAULTS.projectId;
  const clock = options.clock ?? Date.now;
  const seedStarted = performance.now();
  const fleet = options.fleet !== undefined && options.fleet > 0 ? options.fleet : undefined;
  const seeded = seed(options.seed ?? SIMULATOR_DEFAULTS.seed, clock(), fleet);
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
  const regions: readonly string[] = fleet ? FLEET_REGIONS : ['simulator'];
  const projectIds: readonly string[] = fleet ? FLEET_PROJECTS : [projectId];
  const host = options.host ?? '127.0.0.1';
  const listen = (region: string, port: number) => {
    const app = createSimulatorApp({
      store,
      projectId: fleet ? FLEET_PROJECTS[0] : projectId,
      projectIds,
      region,
      credentials: () => credentials,
      control,
      internals: internal,
      clock,
      gatewayClock: options.gatewayClock ?? Date.now,
      closing: closing.signal,
    });
    return new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as Server));
      s.once('error', reject);
    });
  };
  const servers: Server[] = [];
  for (const [i, region] of regions.entries()) servers.push(await listen(region, i === 0 ? (options.port ?? 0) : 0));
  const urlOf = (server: Server) =>
    `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  const targets: SimulatorTarget[] = regions.flatMap((region, i) =>
    projectIds.map((p) => ({ projectId: p, region, url: urlOf(servers[i]!) })),
  );
  return {
    url: urlOf(servers[0]!),
    ak,
    sk,
    projectId: targets[0]!.projectId,
    /** Every project and region it serves (one, unless a fleet), each with its endpoint. */
    targets,
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
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              closing.abort();
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
};
export type RunningSimulator = Awaited<ReturnType<typeof startSimulator>>;
