import type { FaultsInput } from '../server/simulator/faults.ts';
import { type FixedWindow, fixedWindows, listCalls, startBenchSimulator } from './fixture.ts';

/**
 * The simulator as a benchmark's upstream in its own process: its CPU (signature checks,
 * selecting and serialising pages) is the cloud's, not the console's, so it must not share the
 * event loop of what is measured. Over IPC it reports where it listens and, on request, the task
 * listings it has answered since it was last asked to forget them.
 */
export interface SimulatorChildOptions {
  faults?: FaultsInput;
  /** Fixed windows of the big instance to name (fixture.ts, fixedWindows). */
  windows: number;
}
export type SimulatorChildRequest = { type: 'clear-requests' } | { type: 'list-calls' };
export type SimulatorChildMessage =
  | {
      type: 'ready';
      url: string;
      ak: string;
      sk: string;
      projectId: string;
      instanceId: string;
      seedMs: number;
      windows: FixedWindow[];
    }
  | { type: 'cleared' }
  | { type: 'list-calls'; calls: number };

const options = JSON.parse(process.env.BENCH_SIMULATOR ?? '{"windows":1}') as SimulatorChildOptions;
const { sim, instanceId } = await startBenchSimulator(options.faults);
const send = (m: SimulatorChildMessage) => process.send?.(m);
send({
  type: 'ready',
  url: sim.url,
  ak: sim.ak,
  sk: sim.sk,
  projectId: sim.projectId,
  instanceId,
  seedMs: sim.seedMs,
  windows: fixedWindows(sim, instanceId, options.windows),
});
process.on('message', (m: SimulatorChildRequest) => {
  if (m.type === 'clear-requests') {
    sim.control.clearRequests();
    send({ type: 'cleared' });
  } else send({ type: 'list-calls', calls: listCalls(sim) });
});
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
