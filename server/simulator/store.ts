import {
  type FinalStatus,
  type Placement,
  type Seeded,
  type SimInstance,
  type SimTask,
  type TaskRecord,
  MINUTE,
  isFinishedAt,
  liveTasksForMinute,
  taskAt,
} from './seed.ts';

/** Live arrivals are computed minute by minute; a clock that jumps further only fills this much. */
const MAX_LIVE_BACKFILL_MINUTES = 30 * 24 * 60;

interface InstanceState {
  index: number;
  instance: SimInstance;
  /** Oldest first. */
  tasks: TaskRecord[];
  byId: Map<string, TaskRecord>;
  liveUntilMinute: number;
}

export interface TaskWindow {
  /** Inclusive, epoch ms. */
  beginMs?: number | undefined;
  /** Inclusive, epoch ms. */
  endMs?: number | undefined;
  /** 1-based index of the first record, newest first. */
  start: number;
  limit: number;
}

/** lowest index whose createdMs >= ms (tasks oldest first) */
const lowerBound = (tasks: TaskRecord[], ms: number) => {
  let lo = 0;
  let hi = tasks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tasks[mid]!.createdMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

export type DeleteResult = 'deleted' | 'not-found' | 'unfinished';

/** A task a test places at the clock's now (POST /_simulator/tasks), instead of waiting for an arrival. */
export interface InjectedTask {
  name: string;
  final: FinalStatus;
  /** CREATED for this long, then EXECUTING for durationMs, then final. */
  queuedMs: number;
  durationMs: number;
  params: string;
  userName: string;
}

/**
 * The simulator's data at any instant: seeded history plus the tasks that have arrived since,
 * computed from the clock when asked, so no timer keeps the process alive.
 */
export const createStore = (seeded: Seeded) => {
  let states: InstanceState[] = [];
  let byInstance = new Map<string, InstanceState>();
  let injected = 0;
  const load = () => {
    injected = 0;
    const startMinute = Math.floor(seeded.seededAtMs / MINUTE);
    states = seeded.instances.map((s, index) => {
      const tasks = [...s.tasks];
      return {
        index,
        instance: s.instance,
        tasks,
        byId: new Map(tasks.map((t) => [t.id, t])),
        liveUntilMinute: startMinute - 1,
      };
    });
    byInstance = new Map(states.map((s) => [s.instance.instance_id, s]));
  };
  load();

  const advance = (state: InstanceState, nowMs: number) => {
    const target = Math.floor(nowMs / MINUTE);
    if (target <= state.liveUntilMinute) return;
    const from = Math.max(state.liveUntilMinute + 1, target - MAX_LIVE_BACKFILL_MINUTES);
    for (let minute = from; minute <= target; minute++) {
      for (const t of liveTasksForMinute(seeded, state.index, minute, seeded.userIds)) {
        if (t.createdMs <= seeded.seededAtMs) continue;
        state.tasks.push(t);
        state.byId.set(t.id, t);
      }
    }
    state.liveUntilMinute = target;
  };

  const stateOf = (instanceId: string, nowMs: number) => {
    const state = byInstance.get(instanceId);
    if (state) advance(state, nowMs);
    return state;
  };

  const visible = (t: TaskRecord | undefined, nowMs: number) => (t && t.createdMs <= nowMs ? t : undefined);

  return {
    seeded,
    instances: (): SimInstance[] => states.map((s) => s.instance),
    /** Where the fleet seed put an instance; undefined: the simulator's one project and region. */
    placement: (instanceId: string): Placement | undefined =>
      seeded.instances[byInstance.get(instanceId)?.index ?? -1]?.placement,
    instance: (instanceId: string) => byInstance.get(instanceId)?.instance,

    /** Newest first; total counts every match, not the page. */
    listTasks(instanceId: string, window: TaskWindow, nowMs: number): { total: number; tasks: SimTask[] } {
      const state = stateOf(instanceId, nowMs);
      if (!state) return { total: 0, tasks: [] };
      const lo = window.beginMs === undefined ? 0 : lowerBound(state.tasks, window.beginMs);
      const upper = Math.min(window.endMs ?? Number.POSITIVE_INFINITY, nowMs);
      const hi = Math.max(lo, lowerBound(state.tasks, upper + 1));
      const total = hi - lo;
      const tasks: SimTask[] = [];
      for (let i = window.start - 1; i < Math.min(total, window.start - 1 + window.limit); i++) {
        tasks.push(taskAt(state.tasks[hi - 1 - i]!, nowMs));
      }
      return { total, tasks };
    },

    task(instanceId: string, taskId: string, nowMs: number): SimTask | undefined {
      const state = stateOf(instanceId, nowMs);
      const t = visible(state?.byId.get(taskId), nowMs);
      return t && taskAt(t, nowMs);
    },

    deleteTask(instanceId: string, taskId: string, nowMs: number): DeleteResult {
      const state = stateOf(instanceId, nowMs);
      const t = visible(state?.byId.get(taskId), nowMs);
      if (!state || !t) return 'not-found';
      // only records that ended as SUCCESS, FAILED or CANCELLED may go
      if (!isFinishedAt(t, nowMs) || t.final === 'DELETED') return 'unfinished';
      let i = lowerBound(state.tasks, t.createdMs);
      while (state.tasks[i] !== t) i++;
      state.tasks.splice(i, 1);
      state.byId.delete(taskId);
      return 'deleted';
    },

    /**
     * Puts a task in the listing exactly as given (any fields, odd ones too), at `atMs` for the
     * time filters and the order, whatever its own created_at says. For tests of odd upstream data.
     */
    injectRawTask(instanceId: string, raw: Record<string, unknown>, atMs: number, nowMs: number) {
      const state = stateOf(instanceId, nowMs);
      if (!state) throw new Error(`no instance ${instanceId}`);
      const id = typeof raw.id === 'string' ? raw.id : `raw-${atMs}-${state.tasks.length}`;
      const record: TaskRecord = {
        id,
        name: '',
        user_name: '',
        user_id: '',
        params: '',
        createdMs: atMs,
        startMs: atMs,
        endMs: atMs,
        final: 'SUCCESS',
        raw,
      };
      // after every task of the same instant, so one put in later is listed as newer
      state.tasks.splice(lowerBound(state.tasks, atMs + 1), 0, record);
      state.byId.set(id, record);
    },

    /** Places a task created at nowMs, in order among the others; undefined for an unknown instance. */
    addTask(instanceId: string, task: InjectedTask, nowMs: number): SimTask | undefined {
      const state = stateOf(instanceId, nowMs);
      if (!state) return undefined;
      let id: string;
      // seeded ids are ff808082 + 24 random digits: a counter behind its own marker keeps these apart
      do id = `ff8080821e${(++injected).toString(16).padStart(22, '0')}`;
      while (state.byId.has(id));
      const record: TaskRecord = {
        id,
        name: task.name,
        user_name: task.userName,
        user_id: seeded.userIds.get(task.userName) ?? '',
        params: task.params,
        createdMs: nowMs,
        startMs: nowMs + task.queuedMs,
        endMs: nowMs + task.queuedMs + task.durationMs,
        final: task.final,
      };
      state.tasks.splice(lowerBound(state.tasks, nowMs + 1), 0, record);
      state.byId.set(id, record);
      return taskAt(record, nowMs);
    },

    /** Back to the seeded data: deleted tasks return, live arrivals are recomputed on demand. */
    reset: load,
  };
};
export type SimStore = ReturnType<typeof createStore>;
