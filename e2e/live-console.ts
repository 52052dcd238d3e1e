import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect } from '@playwright/test';
import type { InjectTaskInput } from '../server/simulator/control.ts';
import type { FaultsInput } from '../server/simulator/faults.ts';
import { startSimulator } from '../server/simulator/server.ts';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/**
 * A console in live mode, signing with real credentials for a standalone simulator whose faults
 * the spec sets: the error panels then show what the real gateway would answer. The console is
 * node itself (not npx), so SIGTERM reaches it and nothing is left listening after the spec.
 */
export const startLiveConsole = async (env: Record<string, string> = {}) => {
  const sim = await startSimulator({ port: 0 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DMS_ENDPOINT: sim.url,
      HUAWEICLOUD_SDK_REGION: 'cn-north-4',
      HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
      CLOUD_SDK_AK: sim.ak,
      CLOUD_SDK_SK: sim.sk,
      DMS_MAX_ATTEMPTS: '1',
      WINDOW_CACHE_TTL_MS: '0',
      ...env,
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    if (server.exitCode === null) server.kill('SIGTERM');
    await exited;
    await sim.close();
  };
  for (let i = 0; i < 100 && server.exitCode === null; i++) {
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const setFaults = async (faults: FaultsInput) => {
        const res = await fetch(`${sim.url}/_simulator/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(faults),
        });
        expect(res.ok).toBe(true);
      };
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
      return { sim, base, setFaults, injectTask, stop };
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error('the live-mode console did not start');
};
export type LiveConsole = Awaited<ReturnType<typeof startLiveConsole>>;
