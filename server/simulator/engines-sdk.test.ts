import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import {
  KafkaClient,
  ListBackgroundTasksRequest as KafkaTasksRequest,
  ListInstancesRequest as KafkaInstancesRequest,
  ShowBackgroundTaskRequest as KafkaShowTaskRequest,
} from '@huaweicloud/huaweicloud-sdk-kafka';
import {
  RocketMQClient,
  ListBackgroundTasksRequest as RocketTasksRequest,
  ListInstancesRequest as RocketInstancesRequest,
} from '@huaweicloud/huaweicloud-sdk-rocketmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, ENGINES } from '../../shared/contract.ts';
import { createDmsClient } from '../dms/client.ts';
import { createInstanceDirectory } from '../instances.ts';
import { ENGINE_KINDS, FLEET_BUSY_EVERY, FLEET_PROJECTS, FLEET_REGIONS, KAFKA_TASK_KINDS } from './seed.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { readAnswer, sdkFetch } from './test-client.ts';

/**
 * The Kafka and RocketMQ instance listings and background-task answers, read by Huawei's own
 * Node SDKs (3.1.215) over real HTTP with their own signatures: what the simulator answers must be
 * what those clients send for and parse (docs/UPSTREAM.md, "The other DMS engines").
 */
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fleet: 60 });
});
afterAll(() => sim.close());

const credential = (projectId: string) => new BasicCredentials().withAk(sim.ak).withSk(sim.sk).withProjectId(projectId);
const targetOf = (region: string, projectId: string) =>
  sim.targets.find((t) => t.region === region && t.projectId === projectId)!;
const kafka = (region: string, projectId: string) =>
  KafkaClient.newBuilder().withCredential(credential(projectId)).withEndpoint(targetOf(region, projectId).url).build();
const rocketmq = (region: string, projectId: string) =>
  RocketMQClient.newBuilder()
    .withCredential(credential(projectId))
    .withEndpoint(targetOf(region, projectId).url)
    .build();

/** The SDK hands back the answer's JSON as parsed: its snake_case fields are the models' private ones. */
const field = (o: unknown, name: string) => (o as Record<string, unknown>)[name];

/** The seeded instances of one engine, project and region, as the fleet placed them. */
const placed = (engine: Engine, region: string, projectId: string) =>
  sim.data.store.seeded.instances
    .filter(
      (s) => s.instance.engine === engine && s.placement?.region === region && s.placement.projectId === projectId,
    )
    .map((s) => s.instance.instance_id)
    .sort();

describe('the fleet seed', () => {
  it('spreads instances over three regions, two projects and all three engines', () => {
    expect(sim.targets).toHaveLength(FLEET_REGIONS.length * FLEET_PROJECTS.length);
    const seeded = sim.data.store.seeded.instances;
    expect(seeded).toHaveLength(60);
    for (const engine of ENGINES) expect(seeded.some((s) => s.instance.engine === engine)).toBe(true);
    const busy = seeded.filter((s) => s.plan.livePerMinute > 0);
    expect(busy).toHaveLength(Math.ceil(60 / FLEET_BUSY_EVERY));
    // mostly quiet: a busy instance holds more than all the quiet ones of its engine put together
    expect(seeded.filter((s) => s.plan.tasks <= 30).length).toBeGreaterThan(50);
  });

  it("gives each engine its own task names, and Kafka's the public ones", () => {
    for (const s of sim.data.store.seeded.instances) {
      const names = new Set(ENGINE_KINDS[s.instance.engine].map((k) => k.name));
      for (const t of s.tasks) expect(names.has(t.name)).toBe(true);
    }
    expect(KAFKA_TASK_KINDS.filter((k) => !k.invented).map((k) => k.name)).toEqual([
      'modifyAutoTopic',
      'changeRetentionPolicy',
      'kafkaConfigModify',
      'kafkaResetConsumerOffset',
    ]);
  });
});

describe.each(FLEET_REGIONS.flatMap((region) => FLEET_PROJECTS.map((projectId) => [region, projectId] as const)))(
  'in %s, project %s',
  (region, projectId) => {
    it('the Kafka SDK lists exactly the Kafka instances there, page by page', async () => {
      const ids: string[] = [];
      for (let offset = 0; ;) {
        const answer = await kafka(region, projectId).listInstances(
          new KafkaInstancesRequest().withEngine('kafka').withOffset(String(offset)).withLimit('2'),
        );
        const page = answer.instances ?? [];
        for (const i of page) {
          expect(i.engine).toBe('kafka');
          ids.push(field(i, 'instance_id') as string);
        }
        offset += page.length;
        if (page.length === 0 || offset >= Number(field(answer, 'instance_num'))) break;
      }
      expect(ids.sort()).toEqual(placed('kafka', region, projectId));
    });

    it('the RocketMQ SDK lists exactly the RocketMQ instances there', async () => {
      const answer = await rocketmq(region, projectId).listInstances(
        new RocketInstancesRequest().withEngine('rocketmq').withLimit(50),
      );
      expect(field(answer, 'instance_num')).toBe(placed('rocketmq', region, projectId).length);
      expect((answer.instances ?? []).map((i) => field(i, 'instance_id')).sort()).toEqual(
        placed('rocketmq', region, projectId),
      );
      for (const i of answer.instances ?? []) {
        expect(i.engine).toBe('rocketmq');
        // epoch milliseconds as a string, as for RabbitMQ
        expect(field(i, 'created_at')).toMatch(/^\d{13}$/);
      }
    });
  },
);

describe('background tasks through the official SDKs', () => {
  const busiest = (engine: Engine) =>
    sim.data.store.seeded.instances
      .filter((s) => s.instance.engine === engine)
      .sort((a, b) => b.tasks.length - a.tasks.length)[0]!;

  it('Kafka: ListBackgroundTasks pages with start/limit and ShowBackgroundTask reads one', async () => {
    const s = busiest('kafka');
    const client = kafka(s.placement!.region, s.placement!.projectId);
    const id = s.instance.instance_id;
    const first = await client.listBackgroundTasks(new KafkaTasksRequest().withInstanceId(id).withLimit(10));
    const second = await client.listBackgroundTasks(
      new KafkaTasksRequest().withInstanceId(id).withStart(11).withLimit(10),
    );
    const all = sim.data.tasks.get(id)!;
    expect(field(first, 'task_count')).toBe(String(all.length));
    expect([...first.tasks!, ...second.tasks!].map((t) => t.id)).toEqual(all.slice(0, 20).map((t) => t.id));
    const names = new Set(ENGINE_KINDS.kafka.map((k) => k.name));
    for (const t of first.tasks!) {
      expect(names.has(t.name!)).toBe(true);
      expect(field(t, 'created_at')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(() => JSON.parse(t.params!) as unknown).not.toThrow();
    }
    const shown = await client.showBackgroundTask(
      new KafkaShowTaskRequest().withInstanceId(id).withTaskId(first.tasks![0]!.id!),
    );
    expect(shown.tasks?.[0]?.id).toBe(first.tasks![0]!.id);
  });

  it('RocketMQ: ListBackgroundTasks filters by begin_time/end_time', async () => {
    const s = busiest('rocketmq');
    const client = rocketmq(s.placement!.region, s.placement!.projectId);
    const all = sim.data.tasks.get(s.instance.instance_id)!;
    const dms = (ms: number) => new Date(ms).toISOString().replace(/\D/g, '').slice(0, 14);
    const newest = Date.parse(all[0]!.created_at);
    const answer = await client.listBackgroundTasks(
      new RocketTasksRequest()
        .withInstanceId(s.instance.instance_id)
        .withBeginTime(dms(newest - 7 * 86_400_000))
        .withEndTime(dms(newest + 1_000))
        .withLimit(100),
    );
    const expected = all.filter((t) => Date.parse(t.created_at) >= Math.floor((newest - 7 * 86_400_000) / 1000) * 1000);
    expect(field(answer, 'task_count')).toBe(String(expected.length));
    const names = new Set(ENGINE_KINDS.rocketmq.map((k) => k.name));
    for (const t of answer.tasks!) expect(names.has(t.name!)).toBe(true);
  });

  it("an instance is not found through another region's or project's endpoint", async () => {
    const s = busiest('kafka');
    const other = sim.targets.find((t) => t.region !== s.placement!.region)!;
    const res = await sdkFetch(
      { ...sim, url: other.url, projectId: other.projectId },
      { path: `/v2/${other.projectId}/instances/${s.instance.instance_id}/tasks` },
    );
    const answer = await readAnswer(res);
    expect(answer.status).toBe(404);
    expect(answer.json.error_code).toBe('DMS.00404022');
  });

  it("the console's own client lists every engine of a target with the engine it asked for", async () => {
    const t = sim.targets[0]!;
    const client = createDmsClient({
      endpoint: t.url,
      projectId: t.projectId,
      credentials: { ak: sim.ak, sk: sim.sk },
      timeoutMs: 5_000,
      maxAttempts: 1,
    });
    for (const engine of ENGINES) {
      const listed = await client.listInstances(undefined, engine);
      expect(listed.map((i) => i.instance_id).sort()).toEqual(placed(engine, t.region, t.projectId));
    }
  });
});

describe('the console over the fleet', () => {
  const clientFor = (t: (typeof sim.targets)[number]) =>
    createDmsClient({
      endpoint: t.url,
      projectId: t.projectId,
      credentials: { ak: sim.ak, sk: sim.sk },
      timeoutMs: 5_000,
      maxAttempts: 1,
    });

  it('lists every instance of every target once, with its engine, project and region; DMS_ENGINES limits it', async () => {
    const all = createInstanceDirectory(
      sim.targets.map((t) => ({ projectId: t.projectId, region: t.region, client: clientFor(t) })),
    );
    const { instances, failures } = await all.list();
    expect(failures).toEqual([]);
    const seeded = sim.data.store.seeded.instances;
    expect(instances.map((i) => i.id).sort()).toEqual(seeded.map((s) => s.instance.instance_id).sort());
    for (const i of instances) {
      const s = seeded.find((x) => x.instance.instance_id === i.id)!;
      expect(i).toMatchObject({
        engine: s.instance.engine,
        region: s.placement!.region,
        projectId: s.placement!.projectId,
      });
    }
    const kafkaOnly = createInstanceDirectory(
      sim.targets.map((t) => ({ projectId: t.projectId, region: t.region, engines: ['kafka'], client: clientFor(t) })),
    );
    const listed = (await kafkaOnly.list()).instances;
    expect(listed.length).toBe(seeded.filter((s) => s.instance.engine === 'kafka').length);
    expect(new Set(listed.map((i) => i.engine))).toEqual(new Set(['kafka']));
  });

  it("fails only the task reads of an instance the faults break, with DMS's code and a request id", async () => {
    const [broken, healthy] = sim.data.store.seeded.instances.filter((s) => s.placement!.region === FLEET_REGIONS[0]);
    const t = targetOf(FLEET_REGIONS[0], broken!.placement!.projectId);
    sim.control.setFaults({ failInstances: [broken!.instance.instance_id] });
    try {
      const bad = await readAnswer(
        await sdkFetch(
          { ...sim, url: t.url, projectId: t.projectId },
          { path: `/v2/${t.projectId}/instances/${broken!.instance.instance_id}/tasks` },
        ),
      );
      expect(bad.status).toBe(500);
      expect(bad.json.error_code).toBe('DMS.00500000');
      expect(bad.requestId).toMatch(/^[0-9a-f]{32}$/);
      const h = targetOf(FLEET_REGIONS[0], healthy!.placement!.projectId);
      const good = await sdkFetch(
        { ...sim, url: h.url, projectId: h.projectId },
        { path: `/v2/${h.projectId}/instances/${healthy!.instance.instance_id}/tasks` },
      );
      expect(good.status).toBe(200);
    } finally {
      sim.control.setFaults({});
    }
  });
});
