import { setMaxListeners } from 'node:events';
import microdiff from 'microdiff';
import { isUnfinished, rangeToMs } from '../../shared/contract.ts';
import type { ApiError } from '../../shared/api-error.ts';
import type { Coverage, FleetTask } from '../../shared/fleet.ts';
import type { Instance } from '../../shared/instance.ts';
import { DomainError } from '../domain-error.ts';
import { errorBody } from '../errors.ts';
import type { Upstream } from '../instances.ts';
import type { Memo } from './query.ts';
import { type WindowEntry, type WindowStore, windowKeyFor } from './window.ts';

export interface FleetMember {
  instance: Instance;
  upstream: Upstream;
}

/** The window every instance of a fleet read is asked for: a rolling range, or explicit bounds. */
export interface FleetWindow {
  range?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface FleetReaderOptions {
  /** The windows, and the one byte-bounded cache that also holds the union and the answers over it. */
  windows: Pick<WindowStore, 'get' | 'hold' | 'dropGroup'>;
  /** Rolling ranges resolve to ends rounded to this step: the single-instance view's keys. */
  rollingStepMs: number;
  /** Windows read at once by one fleet read. */
  concurrency?: number;
  /** How often an instance with unfinished tasks is read again (the live cadence). */
  liveMs: number;
  /** The call budget a minute: quiet instances are re-read at what half of it pays for. */
  ratePerMinute: number;
  /** How long the first answer of a read waits for windows before answering what it has. */
  firstWaitMs?: number;
  /** A read nobody has asked for this long stops reading (and is forgotten after ten times it). */
  idleMs?: number;
  now?: () => number;
}

type ReadState = 'pending' | 'reading' | 'read' | 'failed';

interface MemberState {
  member: FleetMember;
  state: ReadState;
  /** The last window read: kept in the union while the next read runs. */
  entry?: WindowEntry | undefined;
  error?: ApiError['error'] | undefined;
  /** Waiting for the call budget until dueAt. */
  budget: boolean;
  dueAt: number;
  order: number;
}

/** What an answer over a read holds besides its query's results; made once per version. */
interface Snapshot {
  coverage: Omit<Coverage, 'skipped' | 'failedTargets'>;
  window: { from: number | undefined; to: number | undefined };
  fetchedAt: number | undefined;
}

interface FleetRead {
  /** Names its groups in the window store's cache. */
  id: number;
  window: FleetWindow;
  members: MemberState[];
  /**
   * Bumped whenever the union or what an answer says of it (coverage, window, fetched-at) changes:
   * answers are keyed by it. A re-read that changed none of it (most, at the live cadence) keeps it.
   */
  version: number;
  /**
   * Bumped only when the union's tasks change: sorted and filtered results are keyed by it, so a
   * re-read that found nothing new costs no sort of the whole fleet.
   */
  tasksVersion: number;
  snapshot: Snapshot;
  /** The snapshot as JSON, to tell whether a change of state changed it. */
  said: string;
  running: number;
  askedAt: number;
  controller: AbortController;
  timer?: NodeJS.Timeout | undefined;
  /** When the timer's pump is due: before it, a request's pump would start nothing. */
  nextDue: number;
  waiters: Set<() => void>;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Statuses of an instance being changed: its tasks are likely running. */
const CHANGING = /^(CREATING|RESTARTING|EXTENDING|SHRINKING|CONFIGURING|ROLLBACK|VOLUMETYPECHANGING|DELETING)/;

const decorate = new WeakMap<WindowEntry, FleetTask[]>();
/** A window's tasks with the instance they ran on; made once per window (windows never change). */
const fleetTasksOf = (entry: WindowEntry, i: Instance): FleetTask[] => {
  let tasks = decorate.get(entry);
  if (!tasks) {
    const extra = {
      instanceId: i.id,
      instanceName: i.name,
      engine: i.engine,
      projectId: i.projectId,
      region: i.region,
    };
    tasks = entry.tasks.map((t) => ({ ...t, ...extra }));
    decorate.set(entry, tasks);
  }
  return tasks;
};

/** What ranking an instance needs of its window, once per window (a window never changes). */
const activityOf = new WeakMap<WindowEntry, { unfinished: boolean; last: number }>();
const activity = (entry: WindowEntry) => {
  let a = activityOf.get(entry);
  if (!a) {
    a = {
      unfinished: entry.tasks.some((t) => isUnfinished(t.status)),
      last: entry.tasks.reduce((m, t) => Math.max(m, Date.parse(t.updatedAt) || 0, Date.parse(t.createdAt) || 0), 0),
    };
    activityOf.set(entry, a);
  }
  return a;
};
const hasUnfinished = (entry: WindowEntry) => activity(entry).unfinished;
const lastActivity = (entry: WindowEntry) => activity(entry).last;

/** A union holds pointers to its tasks, each a copy of the window's with where it ran. */
const unionBytes = (tasks: readonly FleetTask[]) => 200 + 160 * tasks.length;

/** Whether a window read again holds the same tasks, field for field, as the one before it. */
const sameTasks = (a: WindowEntry, b: WindowEntry) =>
  a === b ||
  (a.instanceId === b.instanceId &&
    a.tasks.length === b.tasks.length &&
    a.tasks.every((t, i) => t === b.tasks[i] || microdiff(t, b.tasks[i]!).length === 0));

/**
 * The fleet view's reads: per-instance windows through the single-instance view's window store
 * (so one instance opened after the fleet is a cache hit), a few at a time, in the order most
 * likely to show something (unfinished work, recent activity, instances being changed, new ones),
 * shared by every viewer of the same set and range. An answer never waits for the slowest
 * instance: it holds the union so far and says what is missing. Instances with unfinished tasks
 * are read again at the live cadence; the rest at what half the call budget pays for.
 */
export const createFleetReader = (options: FleetReaderOptions) => {
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 6;
  /**
   * A read's signal is shared by its member reads in flight, each listening while it waits (up to
   * `concurrency` at once); past Node's default of 10 it would warn of a leak there is not.
   */
  const readController = () => {
    const controller = new AbortController();
    setMaxListeners(Math.max(10, concurrency), controller.signal);
    return controller;
  };
  const firstWaitMs = options.firstWaitMs ?? 1_500;
  const idleMs = options.idleMs ?? 60_000;
  const reads = new Map<string, FleetRead>();
  let nextId = 0;
  let closed = false;

  /** Quiet instances are read again at most at what half the budget pays for, and not before a minute. */
  const quietMs = (read: FleetRead) => {
    const quiet = read.members.filter((m) => !(m.entry && hasUnfinished(m.entry))).length;
    return Math.max(MINUTE, (quiet * MINUTE) / Math.max(1, options.ratePerMinute / 2));
  };

  /** Lower first: what is most likely to hold something to see. */
  const rank = (m: MemberState): number => {
    const t = now();
    if (m.entry) {
      if (hasUnfinished(m.entry)) return 0;
      return t - lastActivity(m.entry) < HOUR ? 1 : 3;
    }
    if (CHANGING.test(m.member.instance.status)) return 0;
    const created = m.member.instance.createdAt ? Date.parse(m.member.instance.createdAt) : Number.NaN;
    return t - created < 7 * 24 * HOUR ? 1 : 2;
  };

  const { windows } = options;
  const versionGroup = (read: FleetRead, version = read.version) => `fleet|${read.id}|v${version}`;
  const tasksGroup = (read: FleetRead, tasksVersion = read.tasksVersion) => `fleet|${read.id}|t${tasksVersion}`;

  const snapshotOf = (members: MemberState[]): Snapshot => {
    const entries = members.flatMap((m) => (m.entry ? [m.entry] : []));
    return {
      coverage: coverageOf(members),
      window: {
        from: entries.length ? Math.min(...entries.map((e) => e.from)) : undefined,
        to: entries.length ? Math.max(...entries.map((e) => e.to)) : undefined,
      },
      fetchedAt: entries.length ? Math.min(...entries.map((e) => e.fetchedAt)) : undefined,
    };
  };

  /**
   * After a member's state changed: a new version when the union or what an answer says of it
   * did, and what was kept for the old one is dropped (answers, or also the union and results).
   */
  const restate = (read: FleetRead, tasksChanged: boolean) => {
    const snapshot = snapshotOf(read.members);
    const said = JSON.stringify(snapshot);
    if (tasksChanged) {
      windows.dropGroup(tasksGroup(read));
      read.tasksVersion++;
    }
    if (tasksChanged || said !== read.said) {
      windows.dropGroup(versionGroup(read));
      read.version++;
      read.snapshot = snapshot;
      read.said = said;
    }
  };

  const wake = (read: FleetRead) => {
    const waiters = [...read.waiters];
    read.waiters.clear();
    for (const w of waiters) w();
  };

  const settled = (read: FleetRead) => read.members.every((m) => m.state === 'read' || m.state === 'failed');

  const readOne = (read: FleetRead, m: MemberState) => {
    const wasRead = m.entry !== undefined;
    let tasksChanged = false;
    m.state = 'reading';
    read.running++;
    const target = windowKeyFor(m.member.instance.id, read.window, now(), rangeToMs, options.rollingStepMs);
    options.windows
      .get(m.member.upstream, target, read.controller.signal)
      .then(
        (entry) => {
          tasksChanged = !m.entry || !sameTasks(m.entry, entry);
          m.entry = entry;
          m.state = 'read';
          m.error = undefined;
          m.budget = false;
          m.dueAt = now() + (hasUnfinished(entry) ? options.liveMs : quietMs(read));
        },
        (error: unknown) => {
          if (read.controller.signal.aborted) {
            m.state = wasRead ? 'read' : 'pending';
            return;
          }
          if (
            error instanceof DomainError &&
            (error.code === 'UPSTREAM_BUDGET' || error.code === 'UPSTREAM_THROTTLED')
          ) {
            // not a failure: the budget pays for it later
            m.state = wasRead ? 'read' : 'pending';
            m.budget = true;
            m.dueAt = now() + Math.max(1, error.extra.retryAfterSeconds ?? 5) * 1_000;
            return;
          }
          m.state = 'failed';
          m.budget = false;
          m.error =
            error instanceof DomainError
              ? errorBody(error)
              : {
                  code: 'INTERNAL',
                  message: `Reading the window failed (${error instanceof Error ? error.name : 'error'})`,
                };
          m.dueAt = now() + quietMs(read);
        },
      )
      .finally(() => {
        read.running--;
        restate(read, tasksChanged);
        pump(read);
        wake(read);
      });
  };

  /** Starts what is due, best first, up to the concurrency; then sleeps until the next is due. */
  const pump = (read: FleetRead) => {
    if (read.timer) clearTimeout(read.timer);
    read.timer = undefined;
    if (closed) return;
    const t = now();
    if (t - read.askedAt > idleMs) {
      read.controller.abort(new Error('nobody watches this fleet read'));
      read.controller = readController();
      return;
    }
    if (read.running < concurrency) {
      const due = read.members
        .filter((m) => m.state !== 'reading' && m.dueAt <= t)
        .sort((a, b) => rank(a) - rank(b) || a.order - b.order);
      const started = due.slice(0, concurrency - read.running);
      for (const m of started) readOne(read, m);
      // a failed instance read again is pending again
      if (started.length > 0) restate(read, false);
    }
    const next = Math.min(...read.members.filter((m) => m.state !== 'reading').map((m) => m.dueAt));
    if (Number.isFinite(next) && read.running < concurrency) {
      read.nextDue = next;
      read.timer = setTimeout(() => pump(read), Math.max(50, next - now()));
      read.timer.unref();
    }
  };

  /**
   * A read's key (its window and its set's ids, sorted): kept per members array, which a route
   * passes the same while its listing holds, so a warm request neither sorts nor hashes the ids.
   */
  const keysOf = new WeakMap<FleetMember[], Map<string, string>>();
  const keyOf = (members: FleetMember[], window: FleetWindow) => {
    const w = JSON.stringify([window.range ?? null, window.from ?? null, window.to ?? null]);
    let keys = keysOf.get(members);
    if (!keys) keysOf.set(members, (keys = new Map()));
    let key = keys.get(w);
    if (key === undefined) {
      key = `${w}|${members
        .map((m) => m.instance.id)
        .sort()
        .join(',')}`;
      if (keys.size >= 16) keys.delete(keys.keys().next().value!);
      keys.set(w, key);
    }
    return key;
  };

  const drop = (read: FleetRead) => {
    if (read.timer) clearTimeout(read.timer);
    windows.dropGroup(versionGroup(read));
    windows.dropGroup(tasksGroup(read));
  };
  const forget = () => {
    const t = now();
    for (const [k, r] of reads)
      if (t - r.askedAt > 10 * idleMs && r.running === 0) {
        drop(r);
        reads.delete(k);
      }
  };

  const coverageOf = (members: MemberState[]): Snapshot['coverage'] => {
    const pending = members.filter((m) => !m.entry && m.state !== 'failed');
    const waiting = pending.filter((m) => m.budget).length;
    const ref = (m: MemberState) => ({ instanceId: m.member.instance.id, name: m.member.instance.name });
    return {
      total: members.length,
      read: members.filter((m) => m.entry).length,
      pending: {
        count: pending.length,
        instances: pending.slice(0, 50).map(ref),
        waitingForBudget: waiting,
        // about one call an instance (a quiet window is one page), at the budget's rate
        estimateMs: pending.length === 0 ? null : Math.ceil((pending.length / options.ratePerMinute) * MINUTE),
      },
      failed: members
        .filter((m) => m.state === 'failed' && !m.entry && m.error)
        .map((m) => ({ ...ref(m), error: m.error! })),
    };
  };

  const unionOf = (read: FleetRead): FleetTask[] =>
    windows.hold(
      tasksGroup(read),
      'union',
      () => read.members.flatMap((m) => (m.entry ? fleetTasksOf(m.entry, m.member.instance) : [])),
      unionBytes,
    );

  return {
    /**
     * The union of the set's windows so far, and its coverage. The first request of a read waits
     * up to firstWaitMs for the first window with tasks; later ones answer at once with what has been read.
     */
    async read(members: FleetMember[], window: FleetWindow, abortSignal?: AbortSignal | (() => AbortSignal)) {
      forget();
      const key = keyOf(members, window);
      let read = reads.get(key);
      const fresh = !read;
      if (!read) {
        const states = members.map((member, order): MemberState => ({
          member,
          state: 'pending',
          budget: false,
          dueAt: 0,
          order,
        }));
        const snapshot = snapshotOf(states);
        read = {
          id: nextId++,
          window,
          members: states,
          version: 0,
          tasksVersion: 0,
          snapshot,
          said: JSON.stringify(snapshot),
          running: 0,
          askedAt: now(),
          controller: readController(),
          nextDue: 0,
          waiters: new Set(),
        };
        reads.set(key, read);
      }
      read.askedAt = now();
      // Nothing is due before the timer's pump, and with none and nothing running the read had stopped.
      if (read.timer ? now() >= read.nextDue : read.running === 0) pump(read);
      if (fresh && !settled(read)) {
        const r = read;
        // a function when making the signal costs (Node's adapter makes a request's on first use)
        const signal = typeof abortSignal === 'function' ? abortSignal() : abortSignal;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, firstWaitMs);
          timer.unref();
          function done() {
            clearTimeout(timer);
            r.waiters.delete(check);
            signal?.removeEventListener('abort', done);
            resolve();
          }
          // rows to show (the view asks again for the rest), all read, or the rest wait for the budget
          function check() {
            if (settled(r) || r.running === 0 || r.members.some((m) => m.entry && m.entry.tasks.length > 0)) done();
            else r.waiters.add(check);
          }
          r.waiters.add(check);
          signal?.addEventListener('abort', done, { once: true });
        });
      }
      const r = read;
      const { version, tasksVersion, snapshot } = r;
      /** Kept in the window store's cache under `group` while `current`; else made for this answer alone. */
      const memo =
        (group: string, current: () => boolean): Memo =>
        (k, make, bytes) =>
          current() ? windows.hold(group, k, make, bytes) : make();
      return {
        version,
        tasks: unionOf(r),
        coverage: snapshot.coverage,
        window: snapshot.window,
        fetchedAt: snapshot.fetchedAt ?? now(),
        /** Answers over this read (they hold its coverage), kept while its version holds. */
        memo: memo(versionGroup(r, version), () => r.version === version && reads.get(key) === r),
        /** Results over the union's tasks alone (sorted, filtered), kept while its tasks do not change. */
        tasksMemo: memo(tasksGroup(r, tasksVersion), () => r.tasksVersion === tasksVersion && reads.get(key) === r),
      };
    },
    /** Reads under way (tests, metrics). */
    get size() {
      return reads.size;
    },
    close() {
      closed = true;
      for (const r of reads.values()) {
        drop(r);
        r.controller.abort(new Error('closing'));
      }
      reads.clear();
    },
  };
};
export type FleetReader = ReturnType<typeof createFleetReader>;
