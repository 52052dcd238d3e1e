import { createDmsClient, formatDmsTime } from '../server/dms/client.ts';
import { type RunningSimulator, startSimulator } from '../server/simulator/server.ts';
import type { FaultsInput } from '../server/simulator/faults.ts';
import { PAGE_LIMIT } from '../server/tasks/window.ts';

/** The simulated instance with the big history (about 10,500 tasks over 90 days). */
export const BIG_INSTANCE = 'prod-orders';
export const WINDOW_TASKS = 10_000;

export interface FixedWindow {
  instanceId: string;
  /** ms */
  from: number;
  to: number;
  /** Tasks the simulator holds in [from, to]. */
  tasks: number;
}

export const isoOf = (w: FixedWindow) => ({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() });

export const startBenchSimulator = async (faults?: FaultsInput) => {
  const sim = await startSimulator(faults ? { faults } : {});
  const instance = sim.data.instances.find((i) => i.name === BIG_INSTANCE);
  if (!instance) throw new Error(`the simulator has no ${BIG_INSTANCE}`);
  return { sim, instanceId: instance.instance_id };
};

/**
 * Absolute windows of the big instance holding `WINDOW_TASKS` (+ `extra`) tasks each, ending two
 * minutes ago so live tasks never enter them: the newest `WINDOW_TASKS + extra` tasks at that time.
 * Windows with different `extra` are different cache keys over nearly the same tasks.
 */
export const fixedWindows = (sim: RunningSimulator, instanceId: string, count = 1): FixedWindow[] => {
  const to = Math.floor((Date.now() - 120_000) / 1000) * 1000 - 1;
  const created = (sim.data.tasks.get(instanceId) ?? [])
    .map((t) => Date.parse(t.created_at))
    .filter((c) => c <= to)
    .sort((a, b) => b - a);
  return Array.from({ length: count }, (_, extra) => {
    const from = created[WINDOW_TASKS - 1 + extra];
    if (from === undefined) throw new Error(`${BIG_INSTANCE} has fewer than ${WINDOW_TASKS + extra} tasks`);
    return { instanceId, from, to, tasks: created.filter((c) => c >= from).length };
  });
};

/** What one listing of the window costs: ceil(total/100) by the upstream's own count (whole seconds). */
export const pagesOf = async (sim: Pick<RunningSimulator, 'url' | 'projectId' | 'ak' | 'sk'>, w: FixedWindow) => {
  const client = createDmsClient({ endpoint: sim.url, projectId: sim.projectId, credentials: sim });
  const first = await client.listTasks({
    instanceId: w.instanceId,
    start: 1,
    limit: 1,
    beginTime: formatDmsTime(w.from),
    endTime: formatDmsTime(w.to),
  });
  return { total: first.task_count, pages: Math.ceil(first.task_count / PAGE_LIMIT) };
};

/** ListBackgroundTasks calls in the simulator's log since it was last cleared. */
export const listCalls = (sim: RunningSimulator) =>
  sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks').length;

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
