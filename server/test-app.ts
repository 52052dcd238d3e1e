import { type AppOptions, createApp } from './app.ts';
import type { CallBudget } from './budget.ts';
import { type DmsClient, type DmsClientOptions, createDmsClient } from './dms/client.ts';
import { createInstanceDirectory } from './instances.ts';
import type { RunningSimulator } from './simulator/server.ts';
import { createWindowStore } from './tasks/window.ts';

// The setup the API tests share: a client signed for a running simulator and the console's app
// over it, in simulator mode, each test changing only what it is about.

/** One attempt and a 2 s timeout: short for hang tests, not so short that pages in flight on a busy machine miss it. */
export const simulatorClient = (sim: RunningSimulator, over: Partial<DmsClientOptions> = {}): DmsClient =>
  createDmsClient({
    endpoint: sim.url,
    projectId: sim.projectId,
    credentials: { ak: sim.ak, sk: sim.sk },
    maxAttempts: 1,
    timeoutMs: 2_000,
    ...over,
  });

export const simulatorApp = (
  sim: RunningSimulator,
  client: DmsClient,
  over: Partial<AppOptions> & { budget?: CallBudget | undefined } = {},
) => {
  const { budget, ...options } = over;
  return createApp({
    mode: 'simulator',
    directory: createInstanceDirectory([{ projectId: sim.projectId, region: 'simulator', client, budget }]),
    windows: createWindowStore({ ttlMs: 5_000, maxTasks: 10_000 }),
    log: () => undefined,
    ...options,
  });
};
