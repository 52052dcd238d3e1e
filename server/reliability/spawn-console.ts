import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator } from '../simulator/server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The console's own variables a developer's shell may hold: dropped, so a child sees only what its test gives it. */
const CONSOLE_VARIABLE =
  /^(CLOUD_SDK_|HUAWEICLOUD_SDK_|DMS_|CONSOLE_|WINDOW_|UPSTREAM_|REDIS_|METRICS_|REPLICAS$|ALLOWED_HOSTS$|HOST$|PORT$|SIMULATOR_)/;
export const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONSOLE_VARIABLE.test(k))) as Record<string, string>;

/** Live mode, signing with the simulator's keys against its URL. */
export const liveEnv = (sim: RunningSimulator): Record<string, string> => ({
  DMS_ENDPOINT: sim.url,
  CLOUD_SDK_AK: sim.ak,
  CLOUD_SDK_SK: sim.sk,
  HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
});

/** A loopback port free now: taken, then given back (for a process that must be restarted on the same port). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface ConsoleChild {
  child: ChildProcess;
  url: string;
  mode: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM (when still running) and its exit. */
  stop: () => Promise<void>;
}

/**
 * `server/main.ts` as `npm start` runs it, in its own process on a port of its choosing (PORT=0):
 * node itself, not npx, so SIGTERM reaches it. Resolves once it says where it listens.
 */
export const spawnConsole = (env: Record<string, string>) =>
  new Promise<ConsoleChild>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...cleanEnv(), HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    let listening = false;
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (listening) return;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \((\w+) mode\)/.exec(out);
      if (!m) return;
      listening = true;
      resolve({ child, url: m[1]!, mode: m[2]!, output: () => out, exited, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the console exited (${code}) before listening: ${out}`)));
  });
