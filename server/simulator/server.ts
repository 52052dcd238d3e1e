import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSimulatorApp } from './app.ts';
import { seedData } from './seed.ts';

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
}

/** Starts the simulator on its own loopback port, reached over real HTTP like the cloud. */
export const startSimulator = async (options: StartSimulatorOptions = {}) => {
  const ak = options.ak ?? SIMULATOR_DEFAULTS.ak;
  const sk = options.sk ?? SIMULATOR_DEFAULTS.sk;
  const projectId = options.projectId ?? SIMULATOR_DEFAULTS.projectId;
  const data = seedData(options.seed ?? SIMULATOR_DEFAULTS.seed, Date.now());
  const app = createSimulatorApp({ data, projectId, credentials: [{ ak, sk }] });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    ak,
    sk,
    projectId,
    data,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
export type RunningSimulator = Awaited<ReturnType<typeof startSimulator>>;
