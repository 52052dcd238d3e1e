import { expect, test } from '@playwright/test';
import { liveEnv, spawnConsole } from '../server/reliability/spawn-console.ts';
import type { InjectTaskInput } from '../server/simulator/control.ts';
import type { FaultsInput } from '../server/simulator/faults.ts';
import { startSimulator } from '../server/simulator/server.ts';

/** The faults a standalone simulator applies from now on (PUT /_simulator/faults). */
export const putFaults = async (simulatorUrl: string, faults: FaultsInput) => {
  const res = await fetch(`${simulatorUrl}/_simulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.ok).toBe(true);
};

/**
 * A console in live mode, signing with real credentials for a standalone simulator whose faults
 * the spec sets: the error panels then show what the real gateway would answer.
 */
const startLiveConsole = async (env: Record<string, string> = {}) => {
  const sim = await startSimulator({ port: 0 });
  const app = await spawnConsole({
    ...liveEnv(sim),
    HUAWEICLOUD_SDK_REGION: 'cn-north-4',
    DMS_MAX_ATTEMPTS: '1',
    WINDOW_CACHE_TTL_MS: '0',
    ...env,
  }).catch(async (error: unknown) => {
    await sim.close();
    throw error;
  });
  const stop = async () => {
    await app.stop();
    await sim.close();
  };
  const setFaults = (faults: FaultsInput) => putFaults(sim.url, faults);
  /** A task that arrives now (POST /_simulator/tasks), as DMS would list it. */
  const injectTask = async (task: InjectTaskInput) => {
    const res = await fetch(`${sim.url}/_simulator/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(task),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; status: string };
  };
  return { sim, base: app.url, setFaults, injectTask, stop };
};
export type LiveConsole = Awaited<ReturnType<typeof startLiveConsole>>;

/**
 * One live console for the spec's tests: started before them, stopped after them, its faults
 * cleared before each. Its fields read the running console.
 */
export const useLiveConsole = (env: Record<string, string> = {}): LiveConsole => {
  let live: LiveConsole | undefined;
  const running = () => {
    if (!live) throw new Error('the live console has not started');
    return live;
  };
  test.beforeAll(async () => {
    test.setTimeout(60_000);
    live = await startLiveConsole(env);
  });
  test.afterAll(() => live?.stop());
  test.beforeEach(() => running().setFaults({}));
  return {
    get sim() {
      return running().sim;
    },
    get base() {
      return running().base;
    },
    setFaults: (faults) => running().setFaults(faults),
    injectTask: (task) => running().injectTask(task),
    stop: () => running().stop(),
  };
};
