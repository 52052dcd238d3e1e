import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnfinished } from '../../shared/contract.ts';
import { createCallBudget } from '../budget.ts';
import { createInstanceDirectory } from '../instances.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { simulatorUpstreams } from '../simulator/test-upstreams.ts';
import { createFleetReader, type FleetMember } from './fleet.ts';
import { createWindowStore, type WindowStore } from './window.ts';

// The fleet reader's refresh cadence (issue 15: "refresh re-reads only instances with unfinished
// tasks at the live cadence and the rest at a slower one the budget can pay for"), against a
// fleet simulator over real HTTP. The reader's clock is a variable the test moves; each read()
// starts what that clock says is due, so no wall-clock wait decides the outcome. The window store
// is the real one: a wrapper only counts which instances the reader asks it for.

const FLEET = 12;
const LIVE_MS = 5_000;
/** 40 a minute: quiet instances get half, 20 a minute, so the 9 to 12 quiet ones are due every 27 to 36 s ... */
const RATE = 40;
/** ... but never more often than once a minute. */
const QUIET_MS = 60_000;
const SLOW_RATE = 4;

let sim: RunningSimulator;
let members: FleetMember[];
let live: string;
let windowTo: number;
beforeAll(async () => {
  sim = await startSimulator({ fleet: FLEET });
  const budget = createCallBudget({ ratePerMinute: 100_000, maxWaitMs: 10_000 });
  const directory = createInstanceDirectory(simulatorUpstreams(sim, budget));
  members = (await directory.entries()).entries;
  expect(members).toHaveLength(FLEET);
  // one instance gets a task that runs for a day; none of the others has one under way
  const quietest = members.find((m) => sim.data.tasks.get(m.instance.id)!.every((t) => !isUnfinished(t.status)))!;
  live = quietest.instance.id;
  sim.control.injectTask({ instanceId: live, durationMs: 86_400_000 });
  // the listing ends two seconds before now: wait until it holds the injected task
  await new Promise((r) => setTimeout(r, 3_100));
  windowTo = Date.now() + 3_600_000;
}, 60_000);
afterAll(() => sim.close());

const liveOf = (tasks: readonly { instanceId: string; status: string }[]) =>
  [...new Set(tasks.filter((t) => isUnfinished(t.status)).map((t) => t.instanceId))].sort();

/** A reader over a real window store, on a clock the test moves, counting the windows it asks for. */
const setup = (ratePerMinute: number) => {
  const store = createWindowStore({ ttlMs: 60_000, maxTasks: 10_000 });
  const asked = new Map<string, number>();
  const inFlight: Promise<unknown>[] = [];
  const windows: Pick<WindowStore, 'get' | 'hold' | 'dropGroup'> = {
    hold: store.hold,
    dropGroup: store.dropGroup,
    get: (source, target, signal) => {
      asked.set(target.instanceId, (asked.get(target.instanceId) ?? 0) + 1);
      const p = store.get(source, target, signal);
      inFlight.push(p.catch(() => undefined));
      return p;
    },
  };
  let clock = Date.now();
  const reader = createFleetReader({
    windows,
    rollingStepMs: 5_000,
    liveMs: LIVE_MS,
    ratePerMinute,
    concurrency: FLEET,
    firstWaitMs: 0,
    idleMs: 3_600_000,
    now: () => clock,
  });
  const window = { from: new Date(windowTo - 2 * 86_400_000).toISOString(), to: new Date(windowTo).toISOString() };
  /** One viewer's poll at the reader's clock, then every read it started has finished. */
  const poll = async () => {
    const snapshot = await reader.read(members, window);
    while (inFlight.length) await Promise.all(inFlight.splice(0));
    return snapshot;
  };
  const counts = () => new Map(asked);
  const reReadSince = (before: Map<string, number>) =>
    members.map((m) => m.instance.id).filter((id) => (asked.get(id) ?? 0) > (before.get(id) ?? 0));
  return {
    poll,
    counts,
    reReadSince,
    advance: (ms: number) => (clock += ms),
    close: () => {
      reader.close();
    },
  };
};

describe('the fleet reader refreshes', () => {
  it('an instance with unfinished tasks at the live cadence, and the quiet ones only at their slower one', async () => {
    const r = setup(RATE);
    try {
      await r.poll();
      const first = await r.poll();
      expect(first.coverage.read).toBe(FLEET);
      const unfinished = liveOf(first.tasks);
      // the injected task's instance, and perhaps the fleet's busy one; most are quiet
      expect(unfinished).toContain(live);
      expect(unfinished.length).toBeLessThanOrEqual(3);

      // every live cadence for most of a minute: only the live instance is read again, each time
      for (let step = 1; step * LIVE_MS < QUIET_MS; step++) {
        const before = r.counts();
        r.advance(LIVE_MS);
        await r.poll();
        expect(r.reReadSince(before).sort()).toEqual(unfinished);
      }
      // past the quiet cadence, the quiet ones are read again too
      const before = r.counts();
      r.advance(LIVE_MS);
      await r.poll();
      expect(r.reReadSince(before).sort()).toEqual(members.map((m) => m.instance.id).sort());
    } finally {
      r.close();
    }
  });

  it('the quiet ones as seldom as half the call budget pays for, when that is slower than a minute', async () => {
    const r = setup(SLOW_RATE);
    try {
      await r.poll();
      const first = await r.poll();
      expect(first.coverage.read).toBe(FLEET);
      const unfinished = liveOf(first.tasks);
      // 9 to 12 quiet ones on half of 4 calls a minute: a round every 4.5 to 6 minutes. For four
      // minutes, every 30 s, only the live ones are read again (a minute's cadence would read them all)
      for (let t = 0; t < 240_000; t += 30_000) {
        const before = r.counts();
        r.advance(30_000);
        await r.poll();
        expect(r.reReadSince(before).sort()).toEqual(unfinished);
      }
      const before = r.counts();
      r.advance(150_000);
      await r.poll();
      expect(r.reReadSince(before).sort()).toEqual(members.map((m) => m.instance.id).sort());
    } finally {
      r.close();
    }
  });
});

describe('the fleet reader at a concurrency over ten', () => {
  it('reads without a leak warning: the member reads in flight share their read signal by design', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    const r = setup(RATE);
    try {
      // a cold poll starts all twelve member reads at once, each listening on the read's signal
      r.advance(3_600_000);
      expect((await r.poll()).coverage.total).toBe(FLEET);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      r.close();
      process.off('warning', onWarning);
    }
  });
});
