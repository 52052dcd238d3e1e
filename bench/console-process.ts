import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildMessage, ChildRequest } from './console-child.ts';
import { cleanEnv } from '../server/reliability/spawn-console.ts';

export const TMP = join(import.meta.dirname, '.tmp');

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
    execArgv: [
      '--import',
      'tsx',
      ...(options.exposeGc ? ['--expose-gc'] : []),
      // BENCH_CPU_PROF=<dir>: the console writes a V8 CPU profile there when it stops (bench/profile.ts reads it)
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
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
