import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.ts';
import { readAnswer, sdkFetch } from './test-client.ts';

let sim: RunningSimulator;
let orders: string;
let empty: string;
const get = (path: string, query: Record<string, string | number> = {}) =>
  sdkFetch(sim, { path: `/v2/{project_id}${path}`, query }).then(readAnswer);
const del = (path: string) => sdkFetch(sim, { method: 'DELETE', path: `/v2/{project_id}${path}` }).then(readAnswer);

interface Task {
  id: string;
  status: string;
  created_at: string;
}

beforeAll(async () => {
  sim = await startSimulator();
  orders = sim.data.instances.find((i) => i.name === 'prod-orders')!.instance_id;
  empty = sim.data.instances.find((i) => i.name === 'empty-new-instance')!.instance_id;
});
afterAll(() => sim.close());

const dmsError = (code: string, msg: string) => ({ error_code: code, error_msg: msg });
const INVALID_PARAM = dmsError('DMS.00400062', 'Invalid {0} parameter in the request.');

describe('ListInstancesDetails', () => {
  it('pages by 0-based offset, limit 1–50 default 10, and refuses offset >= instance_num', async () => {
    const all = await get('/instances', { engine: 'rabbitmq' });
    const rabbitmq = sim.data.instances.filter((i) => i.engine === 'rabbitmq');
    const total = rabbitmq.length;
    expect(all.json.instance_num).toBe(total);
    expect((all.json.instances as unknown[]).length).toBe(Math.min(10, total));
    const page = await get('/instances', { engine: 'rabbitmq', offset: 2, limit: 3 });
    expect((page.json.instances as { instance_id: string }[]).map((i) => i.instance_id)).toEqual(
      rabbitmq.slice(2, 5).map((i) => i.instance_id),
    );
    expect(await get('/instances', { engine: 'rabbitmq', offset: total })).toMatchObject({
      status: 400,
      json: dmsError('DMS.40050010', 'Offset parameter is invalid.'),
    });
    for (const limit of [0, 51, 'x']) {
      expect(await get('/instances', { engine: 'rabbitmq', limit })).toMatchObject({
        status: 400,
        json: INVALID_PARAM,
      });
    }
    expect(await get('/instances')).toMatchObject({ status: 400, json: INVALID_PARAM });
  });

  it('filters by name (fuzzy, or exact), status and id', async () => {
    const fuzzy = await get('/instances', { engine: 'rabbitmq', name: 'prod' });
    expect((fuzzy.json.instances as { name: string }[]).map((i) => i.name)).toEqual(['prod-orders', 'prod-payments']);
    const exact = await get('/instances', { engine: 'rabbitmq', name: 'prod', exact_match_name: 'true' });
    expect(exact.json.instance_num).toBe(0);
    const frozen = await get('/instances', { engine: 'rabbitmq', status: 'FROZEN' });
    expect((frozen.json.instances as { name: string }[]).map((i) => i.name)).toEqual(['dev-sandbox']);
    const byId = await get('/instances', { engine: 'rabbitmq', instance_id: orders });
    expect(byId.json.instance_num).toBe(1);
  });
});

describe('ShowInstance', () => {
  it('answers the flat instance, 400 for a malformed id, 404 for an unknown one', async () => {
    const ok = await get(`/instances/${orders}`);
    expect(ok.json).toMatchObject({ instance_id: orders, name: 'prod-orders', engine: 'rabbitmq', type: 'cluster' });
    expect(ok.json.created_at).toMatch(/^\d{13}$/);
    expect(await get('/instances/not-a-uuid')).toMatchObject({
      status: 400,
      json: dmsError('DMS.00400061', 'Invalid instance ID format.'),
    });
    expect(await get('/instances/00000000-0000-4000-8000-000000000000')).toMatchObject({
      status: 404,
      json: dmsError('DMS.00404022', 'This instance does not exist.'),
    });
  });
});

describe('ListBackgroundTasks', () => {
  it('answers newest first with task_count a string holding the total, limit default 10', async () => {
    const answer = await get(`/instances/${orders}/tasks`);
    const tasks = answer.json.tasks as Task[];
    expect(tasks).toHaveLength(10);
    expect(typeof answer.json.task_count).toBe('string');
    expect(Number(answer.json.task_count)).toBeGreaterThanOrEqual(10_000);
    const times = tasks.map((t) => t.created_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(tasks[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: expect.any(String),
      user_name: expect.any(String),
      user_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      params: expect.any(String),
      status: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('takes start as a 1-based index and offset as a 0-based one (paging: both); limit 1–100', async () => {
    const end = '20991231235959';
    const first = (await get(`/instances/${orders}/tasks`, { start: 1, limit: 5, end_time: end })).json.tasks as Task[];
    const byStart = (await get(`/instances/${orders}/tasks`, { start: 3, limit: 2, end_time: end })).json
      .tasks as Task[];
    const byOffset = (await get(`/instances/${orders}/tasks`, { offset: 2, limit: 2, end_time: end })).json
      .tasks as Task[];
    const byBoth = (await get(`/instances/${orders}/tasks`, { start: 3, offset: 2, limit: 2, end_time: end })).json
      .tasks as Task[];
    expect(byStart.map((t) => t.id)).toEqual(first.slice(2, 4).map((t) => t.id));
    expect(byOffset.map((t) => t.id)).toEqual(byStart.map((t) => t.id));
    expect(byBoth.map((t) => t.id)).toEqual(byStart.map((t) => t.id));
    expect(((await get(`/instances/${orders}/tasks`, { offset: 0, limit: 1 })).json.tasks as Task[])[0]).toEqual(
      ((await get(`/instances/${orders}/tasks`, { limit: 1 })).json.tasks as Task[])[0],
    );
    expect(((await get(`/instances/${orders}/tasks`, { limit: 100 })).json.tasks as Task[]).length).toBe(100);
    for (const q of [{ limit: 101 }, { limit: 0 }, { start: 0 }, { limit: '' }, { offset: '-1' }] as Record<
      string,
      string | number
    >[]) {
      expect(await get(`/instances/${orders}/tasks`, q)).toMatchObject({ status: 400, json: INVALID_PARAM });
    }
    const beyond = await get(`/instances/${orders}/tasks`, { start: 1_000_000 });
    expect(beyond.json.tasks).toEqual([]);
    expect(Number(beyond.json.task_count)).toBeGreaterThan(10_000);
  });

  it.each([
    ['start', { start: 3 }, { offset: 2 }],
    ['offset', { offset: 2 }, { start: 3 }],
  ] as const)('paging %s honours only its own parameter and ignores the other', async (mode, honoured, ignored) => {
    sim.control.setBehaviour({ paging: mode });
    try {
      const end = '20991231235959';
      const first = (await get(`/instances/${orders}/tasks`, { limit: 5, end_time: end })).json.tasks as Task[];
      const page = (q: Record<string, number>) =>
        get(`/instances/${orders}/tasks`, { ...q, limit: 2, end_time: end }).then((a) =>
          (a.json.tasks as Task[]).map((t) => t.id),
        );
      expect(await page(honoured)).toEqual(first.slice(2, 4).map((t) => t.id));
      // the wrong name reads page 1 again, as a DMS that does not know it would
      expect(await page(ignored)).toEqual(first.slice(0, 2).map((t) => t.id));
      expect(await page({ ...honoured, ...ignored })).toEqual(first.slice(2, 4).map((t) => t.id));
    } finally {
      sim.control.setBehaviour({ paging: 'both' });
    }
  });

  it('filters created_at by begin_time/end_time in UTC seconds, both inclusive', async () => {
    const all = sim.data.tasks.get(orders)!;
    const pivot = all[500]!;
    const second = pivot.created_at.slice(0, 19).replace(/\D/g, '');
    const answer = await get(`/instances/${orders}/tasks`, { begin_time: second, end_time: second, limit: 100 });
    const expected = all.filter((t) => t.created_at.slice(0, 19) === pivot.created_at.slice(0, 19));
    expect((answer.json.tasks as Task[]).map((t) => t.id)).toEqual(expected.map((t) => t.id));
    expect(answer.json.task_count).toBe(String(expected.length));

    const dayBegin = `${pivot.created_at.slice(0, 10).replace(/-/g, '')}000000`;
    const dayEnd = `${pivot.created_at.slice(0, 10).replace(/-/g, '')}235959`;
    const day = await get(`/instances/${orders}/tasks`, { begin_time: dayBegin, end_time: dayEnd });
    expect(day.json.task_count).toBe(
      String(all.filter((t) => t.created_at.startsWith(pivot.created_at.slice(0, 10))).length),
    );
  });

  it('plays a non-UTC zone for begin_time/end_time, and an exclusive end', async () => {
    const all = sim.data.tasks.get(orders)!;
    const pivot = all[500]!;
    const utc = (iso: string) => iso.slice(0, 19).replace(/\D/g, '');
    const inSecond = (iso: string) => all.filter((t) => t.created_at.slice(0, 19) === iso.slice(0, 19));
    const second = utc(pivot.created_at);
    const ids = (q: Record<string, string>) =>
      get(`/instances/${orders}/tasks`, { ...q, limit: 100 }).then((a) => (a.json.tasks as Task[]).map((t) => t.id));
    try {
      sim.control.setBehaviour({ timeZoneOffsetMin: 480 });
      // UTC+8: the same instant is named 8 hours later
      const local = utc(new Date(Date.parse(pivot.created_at) + 8 * 3_600_000).toISOString());
      expect(await ids({ begin_time: local, end_time: local })).toEqual(inSecond(pivot.created_at).map((t) => t.id));
      sim.control.setBehaviour({ timeZoneOffsetMin: 0, endExclusive: true });
      expect(await ids({ begin_time: second, end_time: second })).toEqual([]);
      const next = utc(new Date(Date.parse(pivot.created_at) + 1000).toISOString());
      expect(await ids({ begin_time: second, end_time: next })).toEqual(inSecond(pivot.created_at).map((t) => t.id));
    } finally {
      sim.control.setBehaviour({ timeZoneOffsetMin: 0, endExclusive: false });
    }
  });

  it('pages through a pinned window without gaps or repeats', async () => {
    const end = new Date().toISOString().slice(0, 19).replace(/\D/g, '');
    const begin = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 19).replace(/\D/g, '');
    const ids: string[] = [];
    let total = Infinity;
    for (let start = 1; start <= total; start += 100) {
      const page = await get(`/instances/${orders}/tasks`, { start, limit: 100, begin_time: begin, end_time: end });
      total = Number(page.json.task_count);
      ids.push(...(page.json.tasks as Task[]).map((t) => t.id));
    }
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('refuses malformed times with DMS.00400142', async () => {
    for (const t of ['2024-01-01', '20241301000000', '20240230000000', '2024010100000', '20240101246000']) {
      expect(await get(`/instances/${orders}/tasks`, { begin_time: t })).toMatchObject({
        status: 400,
        json: dmsError('DMS.00400142', 'Timestamp is invalid.'),
      });
    }
  });

  it('answers an instance with no tasks with task_count "0"', async () => {
    expect((await get(`/instances/${empty}/tasks`)).json).toEqual({ task_count: '0', tasks: [] });
  });
});

describe('ShowBackgroundTask and DeleteBackgroundTask', () => {
  it('shows one task, refuses a malformed id, and answers an unknown one as the switch says', async () => {
    const task = sim.data.tasks.get(orders)![40]!;
    expect((await get(`/instances/${orders}/tasks/${task.id}`)).json).toEqual({ task_count: '1', tasks: [task] });
    expect(await get(`/instances/${orders}/tasks/xyz`)).toMatchObject({
      status: 400,
      json: dmsError('DMS.00400070', 'Invalid task ID format.'),
    });
    const unknown = `/instances/${orders}/tasks/${'0'.repeat(32)}`;
    expect(await get(unknown)).toMatchObject({ status: 200, json: { task_count: '0', tasks: [] } });
    sim.control.setBehaviour({ unknownTask: 'not-found' });
    expect(await get(unknown)).toMatchObject({ status: 404, json: { error_code: 'DMS.00404070' } });
    sim.control.setBehaviour({ unknownTask: 'empty' });
  });

  it('deletes a finished task (204, then gone) and refuses an unfinished one', async () => {
    const tasks = sim.data.tasks.get(orders)!;
    const finished = tasks.find((t) => t.status === 'SUCCESS')!;
    const res = await sdkFetch(sim, {
      method: 'DELETE',
      path: `/v2/{project_id}/instances/${orders}/tasks/${finished.id}`,
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect((await get(`/instances/${orders}/tasks/${finished.id}`)).json).toEqual({ task_count: '0', tasks: [] });

    const running = tasks.find((t) => t.status === 'EXECUTING' || t.status === 'CREATED')!;
    expect(await del(`/instances/${orders}/tasks/${running.id}`)).toMatchObject({
      status: 400,
      json: dmsError('DMS.00400017', 'This DMS instance job task is still running.'),
    });
    sim.control.setBehaviour({ deleteUnfinished: { status: 409, error_code: 'DMS.00409001', error_msg: 'busy' } });
    expect(await del(`/instances/${orders}/tasks/${running.id}`)).toMatchObject({
      status: 409,
      json: { error_code: 'DMS.00409001' },
    });
    sim.control.reset();
    expect(sim.data.tasks.get(orders)!.some((t) => t.id === finished.id)).toBe(true);
  });
});

describe('every answer', () => {
  it('carries X-Request-Id (32 lower-case hex), and unknown paths get APIGW.0101', async () => {
    const answers = [
      await get('/instances', { engine: 'rabbitmq' }),
      await get('/instances/nope'),
      await get('/instances/nope/tasks/nope/more'),
      await readAnswer(await fetch(`${sim.url}/v2/${sim.projectId}/instances?engine=rabbitmq`)),
      await readAnswer(await fetch(`${sim.url}/`)),
      await readAnswer(await fetch(`${sim.url}/v2/${sim.projectId}/instances/${orders}/tasks`, { method: 'POST' })),
    ];
    for (const a of answers) expect(a.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(answers.length);
    for (const a of answers.slice(2, 3).concat(answers.slice(4))) {
      expect(a).toMatchObject({
        status: 404,
        json: {
          error_code: 'APIGW.0101',
          error_msg: 'The API does not exist or has not been published in the environment.',
          request_id: a.requestId,
        },
      });
    }
  });
});
