import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { type DmsCallInfo, createDmsClient } from './client.ts';
import { UpstreamError } from './errors.ts';
import { type PagingParam, createPagingMemory } from './paging.ts';

let sim: RunningSimulator;
let calls: DmsCallInfo[] = [];
let orders: string;
// a finished past day: the listing cannot change while it is read
const beginTime = '20200101000000';
let endTime: string;

const client = (forced?: PagingParam, paging = createPagingMemory(forced)) =>
  createDmsClient({
    endpoint: sim.url,
    projectId: sim.projectId,
    credentials: { ak: sim.ak, sk: sim.sk },
    maxAttempts: 1,
    paging,
    onCall: (info) => calls.push(info),
  });

/** What the simulator holds for the listing, by its own data (newest first, as DMS lists). */
const truth = () => {
  const end = Date.parse(`${endTime.slice(0, 4)}-${endTime.slice(4, 6)}-${endTime.slice(6, 8)}T23:59:59.999Z`);
  return sim.data.tasks
    .get(orders)!
    .filter((t) => Date.parse(t.created_at) <= end)
    .map((t) => t.id);
};

/** Every page of the listing, read the way the console's window does: page 1, then the rest at once. */
const readAll = async (c: ReturnType<typeof client>, limit = 100, count = 5) => {
  const first = await c.listTaskPage({ instanceId: orders, index: 0, limit, beginTime, endTime });
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, (_, i) =>
      c.listTaskPage({ instanceId: orders, index: (i + 1) * limit, limit, beginTime, endTime }),
    ),
  );
  return [first, ...rest].flatMap((p) => p.tasks.map((t) => t.id));
};

beforeAll(async () => {
  sim = await startSimulator();
  orders = sim.data.instances.find((i) => i.name === 'prod-orders')!.instance_id;
  // the seed's 90 days end at start-up: a day 30 days back is history
  endTime = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '') + '235959';
});
afterAll(() => sim.close());
afterEach(() => {
  calls = [];
  sim.control.reset();
});

describe('paging convention learning (listTaskPage)', () => {
  it.each([
    ['start', 'start'],
    ['offset', 'offset'],
    ['both', 'both'],
  ] as const)(
    'reads every page exactly when DMS honours %s, learning it with one extra call',
    async (mode, learned) => {
      sim.control.setBehaviour({ paging: mode });
      const c = client();
      const ids = await readAll(c);
      expect(ids).toEqual(truth().slice(0, 500));
      expect(calls).toHaveLength(5 + 1);
      expect(c.paging.report()).toMatchObject({ convention: learned, source: 'learned', extraCalls: 1 });

      // remembered: the next listing spends nothing on it
      calls = [];
      expect(await readAll(c)).toEqual(ids);
      expect(calls).toHaveLength(5);
      expect(c.paging.report().extraCalls).toBe(1);
    },
  );

  it('learns once per endpoint: a second client sharing the memory spends no extra call', async () => {
    sim.control.setBehaviour({ paging: 'offset' });
    const memory = createPagingMemory();
    await readAll(client(undefined, memory), 100, 2);
    calls = [];
    expect(await readAll(client(undefined, memory), 100, 3)).toEqual(truth().slice(0, 300));
    expect(calls).toHaveLength(3);
  });

  it('DMS_PAGING forces the parameter: no learning call, and a wrong one fails saying what to change', async () => {
    sim.control.setBehaviour({ paging: 'offset' });
    const forced = client('offset');
    expect(await readAll(forced, 100, 3)).toEqual(truth().slice(0, 300));
    expect(calls).toHaveLength(3);
    expect(forced.paging.report()).toMatchObject({ convention: 'offset', source: 'forced', extraCalls: 0 });
    const sent = sim.control.requests().filter((r) => r.operation === 'ListBackgroundTasks');
    expect(sent.slice(1).every((r) => /[?&]offset=\d+/.test(r.path) && !/[?&]start=/.test(r.path))).toBe(true);

    const wrong = client('start');
    const error = await readAll(wrong, 100, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(/ignored start.*DMS_PAGING=start is wrong/);
    expect(wrong.paging.report().contradictions).toBe(1);
  });

  it('notices a convention that stops holding (a repeated page) and learns again', async () => {
    sim.control.setBehaviour({ paging: 'start' });
    const c = client();
    await readAll(c, 100, 2);
    expect(c.paging.report().convention).toBe('start');
    sim.control.setBehaviour({ paging: 'offset' });
    expect(await readAll(c, 100, 3)).toEqual(truth().slice(0, 300));
    // both pages in flight saw page 1 again; one of them learned, with one more extra call
    expect(c.paging.report()).toMatchObject({ convention: 'offset', contradictions: 2, extraCalls: 2 });
  });

  it('without a first page to compare with, asks with both names consistently', async () => {
    for (const mode of ['start', 'offset'] as const) {
      sim.control.setBehaviour({ paging: mode });
      const page = await client().listTaskPage({ instanceId: orders, index: 200, limit: 100, beginTime, endTime });
      expect(page.tasks.map((t) => t.id)).toEqual(truth().slice(200, 300));
    }
  });

  it('learnPaging (the doctor) finds each convention in at most three one-task calls', async () => {
    for (const [mode, learned] of [
      ['start', 'start'],
      ['offset', 'offset'],
      ['both', 'both'],
    ] as const) {
      sim.control.setBehaviour({ paging: mode });
      calls = [];
      expect((await client().learnPaging(orders)).convention).toBe(learned);
      expect(calls.length).toBeLessThanOrEqual(3);
    }
  });
});
