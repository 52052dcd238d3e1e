import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildMessage, ChildRequest } from './console-child.ts';
import type { RunningSimulator } from '../server/simulator/server.ts';

export const TMP = join(import.meta.dirname, '.tmp');

/** The console's own variables a developer's shell may hold: dropped, so the child sees only what a benchmark gives it. */
const CONSOLE_VARIABLE =
  /^(CLOUD_SDK_|HUAWEICLOUD_SDK_|DMS_|CONSOLE_|WINDOW_|UPSTREAM_|REDIS_|METRICS_|REPLICAS$|ALLOWED_HOSTS$|HOST$|PORT$|SIMULATOR_)/;
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONSOLE_VARIABLE.test(k)));

/** Live mode against a simulator the benchmark runs (so it can set latency and count calls). */
export const liveEnv = (sim: RunningSimulator): Record<string, string> => ({
  DMS_ENDPOINT: sim.url,
  CLOUD_SDK_AK: sim.ak,
  CLOUD_SDK_SK: sim.sk,
  HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
});

export interface ConsoleProcess {
  url: string;
  pid: number;
  /** stdout (one JSON line per request) goes here. */
  logFile: string;
  memory(gc: boolean): Promise<Extract<ChildMessage, { type: 'memory' }>>;
  stop(): Promise<void>;
}

/**
 * Starts the console (server/start.ts, as `npm start` does) in a child Node process and waits
 * until it listens. stdout goes to a file, not a pipe, so the benchmark spends nothing reading it.
 */
export const startConsoleProcess = async (
  name: string,
  env: Record<string, string>,
  options: { exposeGc?: boolean } = {},
): Promise<ConsoleProcess> => {
  mkdirSync(TMP, { recursive: true });
  const logFile = join(TMP, `${name}.log`);
  const out = openSync(logFile, 'w');
  const child: ChildProcess = fork(join(import.meta.dirname, 'console-child.ts'), [], {
    execArgv: ['--import', 'tsx', ...(options.exposeGc ? ['--expose-gc'] : [])],
    env: { ...cleanEnv(), HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production', ...env },
    stdio: ['ignore', out, 'inherit', 'ipc'],
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: ChildMessage) => (m.type === 'ready' ? resolve(m.url) : reject(new Error('bad hello'))));
    void exited.then((code) => reject(new Error(`console child exited (${code}) before listening; see ${logFile}`)));
  });
  return {
    url,
    pid: child.pid!,
    logFile,
    memory: (gc) =>
      new Promise((resolve) => {
        child.once('message', (m: ChildMessage) => {
          if (m.type === 'memory') resolve(m);
        });
        child.send({ type: 'memory', gc } satisfies ChildRequest);
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
