import { createRandom, type Random } from './random.ts';

export interface SimInstance {
  instance_id: string;
  name: string;
  status: string;
  engine: 'rabbitmq';
  engine_version: string;
  type: 'single' | 'cluster';
  specification: string;
  resource_spec_code: string;
  broker_num: number;
  storage_space: number;
  used_storage_space: number;
  connect_address: string;
  port: number;
  created_at: string;
  maintain_begin: string;
  maintain_end: string;
  enterprise_project_id: string;
  tags: { key: string; value: string }[];
  charging_mode: number;
  vpc_name: string;
}

export interface SimTask {
  id: string;
  name: string;
  user_name: string;
  user_id: string;
  params: string;
  status: 'CREATED' | 'EXECUTING' | 'SUCCESS' | 'FAILED' | 'DELETED' | 'CANCELLED';
  created_at: string;
  updated_at: string;
}

interface InstancePlan {
  name: string;
  status: string;
  version: string;
  type: 'single' | 'cluster';
  /** Tasks over the 90 days of history. */
  tasks: number;
}

const INSTANCE_PLANS: InstancePlan[] = [
  { name: 'prod-orders', status: 'RUNNING', version: '3.8.35', type: 'cluster', tasks: 10_500 },
  { name: 'prod-payments', status: 'RUNNING', version: '3.12.13', type: 'cluster', tasks: 900 },
  { name: 'staging-events', status: 'RUNNING', version: '3.8.35', type: 'single', tasks: 300 },
  { name: 'dev-sandbox', status: 'FROZEN', version: 'AMQP-0-9-1', type: 'single', tasks: 60 },
  {
    name: 'analytics-ingest-eu-west-primary-cluster-with-a-very-long-name-for-layout-tests',
    status: 'EXTENDING',
    version: '3.12.13',
    type: 'cluster',
    tasks: 150,
  },
  { name: 'empty-new-instance', status: 'CREATING', version: '3.12.13', type: 'single', tasks: 0 },
];

/** Public RabbitMQ task names; the rest are INVENTED (DMS does not publish them) and marked so. */
const TASK_KINDS: { name: string; invented: boolean; weight: number; params: (r: Random) => unknown }[] = [
  {
    name: 'bindInstancePublicIp',
    invented: false,
    weight: 3,
    params: (r) => ({
      public_ip_id: r.uuid(),
      public_ip_address: `100.85.${r.int(0, 255)}.${r.int(1, 254)}`,
      enable_public_ip: true,
    }),
  },
  {
    name: 'unbindInstancePublicIp',
    invented: false,
    weight: 2,
    params: (r) => ({ public_ip_id: r.uuid(), enable_public_ip: false }),
  },
  // INVENTED: the API names of restart, resize, plugin and config tasks are not public.
  {
    name: 'restartInstance',
    invented: true,
    weight: 4,
    params: (r) => ({ force: r.next() < 0.2, reason: r.pick(['maintenance', 'hung broker', 'config change']) }),
  },
  {
    name: 'resizeInstance',
    invented: true,
    weight: 2,
    params: (r) => ({
      old_spec_code: 'dms.instance.rabbitmq.cluster.c3.2u4g.3',
      new_spec_code: 'dms.instance.rabbitmq.cluster.c3.4u8g.3',
      new_storage_space: r.pick([300, 600, 900]),
      oper_type: 'vertical',
    }),
  },
  {
    name: 'enableRabbitmqPlugins',
    invented: true,
    weight: 2,
    params: (r) => ({
      plugins: [r.pick(['rabbitmq_shovel', 'rabbitmq_federation', 'rabbitmq_tracing'])],
      enable: true,
    }),
  },
  {
    name: 'modifyInstanceConfig',
    invented: true,
    weight: 3,
    params: (r) => ({ configs: [{ name: 'max_connections', value: String(r.int(1000, 5000)) }] }),
  },
  { name: 'createInstance', invented: true, weight: 0, params: () => ({ engine: 'rabbitmq' }) },
];
const WEIGHTED = TASK_KINDS.flatMap((k) => Array<(typeof TASK_KINDS)[number]>(k.weight).fill(k));

const USERS = ['ops-admin', 'zhang.wei', 'li.na', 'müller.jörg', '王芳', 'sre-bot', 'ana.gonçalves'];

const DAY = 86_400_000;
export const HISTORY_DAYS = 90;

export interface SimData {
  instances: SimInstance[];
  /** Per instance, newest first. */
  tasks: Map<string, SimTask[]>;
  userIds: Map<string, string>;
}

const finalStatus = (r: Random): SimTask['status'] => {
  const x = r.next();
  return x < 0.8 ? 'SUCCESS' : x < 0.93 ? 'FAILED' : x < 0.97 ? 'CANCELLED' : 'DELETED';
};

export const makeTask = (r: Random, createdMs: number, nowMs: number, userIds: Map<string, string>): SimTask => {
  const kind = r.pick(WEIGHTED);
  const user = r.pick(USERS);
  const durationMs = r.int(2_000, kind.name === 'resizeInstance' ? 1_800_000 : 240_000);
  const done = createdMs + durationMs <= nowMs;
  const status: SimTask['status'] = done ? finalStatus(r) : nowMs - createdMs < 3_000 ? 'CREATED' : 'EXECUTING';
  return {
    id: r.hex(32),
    name: kind.name,
    user_name: user,
    user_id: userIds.get(user)!,
    params: JSON.stringify(kind.params(r)),
    status,
    created_at: new Date(createdMs).toISOString(),
    updated_at: new Date(done ? createdMs + durationMs : createdMs).toISOString(),
  };
};

/** Deterministic for a seed and a `now`: the same instances, and tasks at the same offsets from now. */
export const seedData = (seed: number, nowMs: number): SimData => {
  const r = createRandom(seed);
  const userIds = new Map(USERS.map((u) => [u, r.hex(32)]));
  const instances: SimInstance[] = [];
  const tasks = new Map<string, SimTask[]>();
  for (const plan of INSTANCE_PLANS) {
    const id = r.uuid();
    instances.push({
      instance_id: id,
      name: plan.name,
      status: plan.status,
      engine: 'rabbitmq',
      engine_version: plan.version,
      type: plan.type,
      specification: plan.type === 'cluster' ? '4vCPUs 8GB*3' : '2vCPUs 4GB',
      resource_spec_code: `dms.instance.rabbitmq.${plan.type}.c3.${plan.type === 'cluster' ? '4u8g.3' : '2u4g.1'}`,
      broker_num: plan.type === 'cluster' ? 3 : 1,
      storage_space: 300,
      used_storage_space: r.int(1, 120),
      connect_address: `192.168.${r.int(0, 255)}.${r.int(2, 254)}`,
      port: 5672,
      created_at: String(nowMs - (HISTORY_DAYS + r.int(1, 300)) * DAY),
      maintain_begin: '02:00:00',
      maintain_end: '06:00:00',
      enterprise_project_id: '0',
      tags: [{ key: 'env', value: plan.name.split('-')[0]! }],
      charging_mode: 1,
      vpc_name: 'vpc-default',
    });
    // Bursty history: each day gets a weight; some days are quiet, some are bursts.
    const dayWeights: number[] = Array.from({ length: HISTORY_DAYS }, () => {
      const x = r.next();
      return x < 0.15 ? 0 : x > 0.9 ? 6 : 1;
    });
    const totalWeight = dayWeights.reduce((a, b) => a + b, 0) || 1;
    const list: SimTask[] = [];
    for (let i = 0; i < plan.tasks; i++) {
      let pick = r.next() * totalWeight;
      let day = 0;
      while (day < HISTORY_DAYS - 1 && (pick -= dayWeights[day]!) > 0) day++;
      // a few tasks in the last minutes, so there is live work on screen at start
      const age = i < 3 ? r.int(1_000, 90_000) : day * DAY + r.int(0, DAY - 1);
      list.push(makeTask(r, nowMs - age, nowMs, userIds));
    }
    tasks.set(
      id,
      list.sort((a, b) => b.created_at.localeCompare(a.created_at)),
    );
  }
  return { instances, tasks, userIds };
};
