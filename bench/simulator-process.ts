import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { SimulatorChildMessage, SimulatorChildOptions, SimulatorChildRequest } from './simulator-child.ts';
import { cleanEnv } from '../server/reliability/spawn-console.ts';

type Ready = Extract<SimulatorChildMessage, { type: 'ready' }>;

export interface SimulatorProcess extends Omit<Ready, 'type'> {
  /** Forgets the requests logged so far. */
  clearRequests(): Promise<void>;
  /** ListBackgroundTasks calls answered since the log was last cleared. */
  listCalls(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the simulator (bench/simulator-child.ts) in a child Node process and waits until it listens. */
export const startSimulatorProcess = async (options: SimulatorChildOptions): Promise<SimulatorProcess> => {
  const child: ChildProcess = fork(join(import.meta.dirname, 'simulator-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...cleanEnv(), BENCH_SIMULATOR: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m: SimulatorChildMessage) =>
      m.type === 'ready' ? resolve(m) : reject(new Error('bad hello')),
    );
    void exited.then((code) => reject(new Error(`simulator child exited (${code}) before listening`)));
  });
  // one question at a time: each answer is the next message
  const ask = <T extends SimulatorChildMessage['type']>(request: SimulatorChildRequest, answer: T) =>
    new Promise<Extract<SimulatorChildMessage, { type: T }>>((resolve) => {
      const on = (m: SimulatorChildMessage) => {
        if (m.type !== answer) return;
        child.off('message', on);
        resolve(m as Extract<SimulatorChildMessage, { type: T }>);
      };
      child.on('message', on);
      child.send(request);
    });
  const { type: _, ...info } = ready;
  return {
    ...info,
    clearRequests: async () => {
      await ask({ type: 'clear-requests' }, 'cleared');
    },
    listCalls: async () => (await ask({ type: 'list-calls' }, 'list-calls')).calls,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
