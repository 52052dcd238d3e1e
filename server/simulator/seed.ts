import type { Engine, TaskStatus } from '../../shared/contract.ts';
import { createRandom, mixSeed, type Random } from './random.ts';

/** An instance as DMS answers it; real answers carry more fields than any SDK model lists. */
export interface SimInstance {
  instance_id: string;
  name: string;
  description: string;
  status: string;
  engine: Engine;
  engine_version: string;
  type: 'single' | 'cluster';
  specification: string;
  resource_spec_code: string;
  product_id: string;
  broker_num: number;
  storage_space: number;
  total_storage_space: number;
  used_storage_space: number;
  storage_spec_code: string;
  connect_address: string;
  management_connect_address: string;
  port: number;
  access_user: string;
  ssl_enable: boolean;
  created_at: string;
  maintain_begin: string;
  maintain_end: string;
  enterprise_project_id: string;
  tags: { key: string; value: string }[];
  charging_mode: number;
  vpc_id: string;
  vpc_name: string;
  subnet_id: string;
  security_group_id: string;
  security_group_name: string;
  available_zones: string[];
  user_id: string;
  user_name: string;
  service_type: string;
  storage_type: string;
  is_logical_volume: boolean;
  extend_times: number;
  ipv6_enable: boolean;
  disk_encrypted: boolean;
}

export type FinalStatus = 'SUCCESS' | 'FAILED' | 'CANCELLED' | 'DELETED';

/** A task on the wire, as DMS answers it. */
export interface SimTask {
  id: string;
  name: string;
  user_name: string;
  user_id: string;
  params: string;
  status: TaskStatus;
  created_at: string;
  updated_at: string;
}

/**
 * A task's whole life, fixed when it is made: its status at any instant follows from the clock
 * (CREATED until startMs, EXECUTING until endMs, then final), so nothing needs a timer.
 */
export interface TaskRecord {
  id: string;
  name: string;
  user_name: string;
  user_id: string;
  params: string;
  createdMs: number;
  startMs: number;
  endMs: number;
  final: FinalStatus;
  /** A task put in by a test exactly as DMS might send it (odd fields and all): answered as is. */
  raw?: Record<string, unknown>;
}

export const taskAt = (t: TaskRecord, nowMs: number): SimTask => {
  if (t.raw) return t.raw as unknown as SimTask;
  const [status, updatedMs]: [TaskStatus, number] =
    nowMs < t.startMs ? ['CREATED', t.createdMs] : nowMs < t.endMs ? ['EXECUTING', t.startMs] : [t.final, t.endMs];
  return {
    id: t.id,
    name: t.name,
    user_name: t.user_name,
    user_id: t.user_id,
    params: t.params,
    status,
    created_at: new Date(t.createdMs).toISOString(),
    updated_at: new Date(updatedMs).toISOString(),
  };
};

export const isFinishedAt = (t: TaskRecord, nowMs: number) => nowMs >= t.endMs;

export interface InstancePlan {
  name: string;
  status: string;
  version: string;
  type: 'single' | 'cluster';
  /** Tasks over the 90 days of history. */
  tasks: number;
  /** Mean new tasks a minute while the simulator runs. */
  livePerMinute: number;
  /** RabbitMQ unless named: a team's fleet is usually mixed. */
  engine?: Engine;
}

export const INSTANCE_PLANS: readonly InstancePlan[] = [
  { name: 'prod-orders', status: 'RUNNING', version: '3.8.35', type: 'cluster', tasks: 10_500, livePerMinute: 3 },
  { name: 'prod-payments', status: 'RUNNING', version: '3.12.13', type: 'cluster', tasks: 1_200, livePerMinute: 1 },
  { name: 'staging-events', status: 'RUNNING', version: '3.8.35', type: 'single', tasks: 400, livePerMinute: 0.5 },
  { name: 'dev-sandbox', status: 'FROZEN', version: 'AMQP-0-9-1', type: 'single', tasks: 60, livePerMinute: 0 },
  {
    name: 'analytics-ingest-eu-west-primary-cluster-with-a-very-long-name-for-layout-tests',
    status: 'EXTENDING',
    version: '3.12.13',
    type: 'cluster',
    tasks: 150,
    livePerMinute: 0.2,
  },
  { name: 'legacy-billing', status: 'RESTARTING', version: '3.8.35', type: 'single', tasks: 80, livePerMinute: 0 },
  { name: 'empty-new-instance', status: 'CREATING', version: '3.12.13', type: 'single', tasks: 0, livePerMinute: 0 },
  // last, so the RabbitMQ instances above keep their ids and tasks
  {
    name: 'prod-clickstream',
    status: 'RUNNING',
    version: '3.x',
    type: 'cluster',
    tasks: 300,
    livePerMinute: 0.3,
    engine: 'kafka',
  },
  {
    name: 'prod-notify',
    status: 'RUNNING',
    version: '5.x',
    type: 'cluster',
    tasks: 200,
    livePerMinute: 0.2,
    engine: 'rocketmq',
  },
];

interface TaskKind {
  name: string;
  /** true where DMS does not publish the task's API name and this one is made up. */
  invented: boolean;
  weight: number;
  durationMs: [number, number];
  params: (r: Random) => unknown;
}

const CONFIG_NAMES = ['max_connections', 'channel_max', 'heartbeat', 'vm_memory_high_watermark', 'disk_free_limit'];

/** Public RabbitMQ task names first; every other name is INVENTED (DMS does not publish them). */
export const TASK_KINDS: readonly TaskKind[] = [
  {
    name: 'bindInstancePublicIp',
    invented: false,
    weight: 3,
    durationMs: [5_000, 40_000],
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
    durationMs: [5_000, 30_000],
    params: (r) => ({ public_ip_id: r.uuid(), enable_public_ip: false }),
  },
  // INVENTED: the API names of restart, resize, plugin and config tasks are not public.
  {
    name: 'restartInstance',
    invented: true,
    weight: 4,
    durationMs: [30_000, 240_000],
    params: (r) => ({ force: r.next() < 0.2, reason: r.pick(['maintenance', 'hung broker', 'config change']) }),
  },
  // INVENTED
  {
    name: 'resizeInstance',
    invented: true,
    weight: 2,
    durationMs: [300_000, 1_800_000],
    params: (r) => ({
      old_spec_code: 'dms.instance.rabbitmq.cluster.c3.2u4g.3',
      new_spec_code: 'dms.instance.rabbitmq.cluster.c3.4u8g.3',
      new_storage_space: r.pick([300, 600, 900]),
      oper_type: 'vertical',
    }),
  },
  // INVENTED
  {
    name: 'enableRabbitmqPlugins',
    invented: true,
    weight: 2,
    durationMs: [20_000, 120_000],
    params: (r) => ({
      plugins: [
        r.pick(['rabbitmq_shovel', 'rabbitmq_federation', 'rabbitmq_tracing', 'rabbitmq_consistent_hash_exchange']),
      ],
      enable: true,
    }),
  },
  // INVENTED
  {
    name: 'modifyInstanceConfig',
    invented: true,
    weight: 3,
    durationMs: [10_000, 90_000],
    params: (r) => ({ configs: [{ name: r.pick(CONFIG_NAMES), value: String(r.int(1000, 5000)) }] }),
  },
];
const KAFKA_CONFIGS = ['log.retention.hours', 'auto.create.groups.enable', 'offsets.retention.minutes'];

/** Kafka: the four public names first (docs/UPSTREAM.md); the rest INVENTED. */
export const KAFKA_TASK_KINDS: readonly TaskKind[] = [
  {
    name: 'modifyAutoTopic',
    invented: false,
    weight: 2,
    durationMs: [5_000, 30_000],
    params: (r) => ({ enable_auto_topic: r.next() < 0.5 }),
  },
  {
    name: 'changeRetentionPolicy',
    invented: false,
    weight: 2,
    durationMs: [5_000, 40_000],
    params: (r) => ({ retention_policy: r.pick(['produce_reject', 'time_base']) }),
  },
  {
    name: 'kafkaConfigModify',
    invented: false,
    weight: 3,
    durationMs: [10_000, 120_000],
    params: (r) => ({ kafka_configs: [{ name: r.pick(KAFKA_CONFIGS), value: String(r.int(1, 168)) }] }),
  },
  {
    name: 'kafkaResetConsumerOffset',
    invented: false,
    weight: 2,
    durationMs: [2_000, 20_000],
    params: (r) => ({ group: `group-${r.int(1, 40)}`, topic: `topic-${r.int(1, 60)}`, partition: r.int(-1, 11) }),
  },
  // INVENTED: Kafka's restart and resize task names are not public.
  {
    name: 'restartKafkaInstance',
    invented: true,
    weight: 2,
    durationMs: [30_000, 300_000],
    params: (r) => ({ reason: r.pick(['maintenance', 'broker hung']) }),
  },
  // INVENTED
  {
    name: 'extendKafkaBroker',
    invented: true,
    weight: 1,
    durationMs: [600_000, 2_400_000],
    params: (r) => ({ new_broker_num: r.pick([4, 5, 6]), new_storage_space: r.pick([600, 1200]) }),
  },
];

/** RocketMQ: no task name is public; every one here is INVENTED. */
export const ROCKETMQ_TASK_KINDS: readonly TaskKind[] = [
  // INVENTED
  {
    name: 'restartRocketmqInstance',
    invented: true,
    weight: 2,
    durationMs: [30_000, 240_000],
    params: (r) => ({ reason: r.pick(['maintenance', 'config change']) }),
  },
  // INVENTED
  {
    name: 'modifyRocketmqConfig',
    invented: true,
    weight: 3,
    durationMs: [10_000, 90_000],
    params: (r) => ({ configs: [{ name: 'maxMessageSize', value: String(r.int(1, 4) * 1_048_576) }] }),
  },
  // INVENTED
  {
    name: 'resetRocketmqConsumerOffset',
    invented: true,
    weight: 2,
    durationMs: [2_000, 20_000],
    params: (r) => ({ group: `GID_${r.int(1, 40)}`, timestamp: r.int(0, 1e9) }),
  },
  // INVENTED
  {
    name: 'bindRocketmqPublicIp',
    invented: true,
    weight: 1,
    durationMs: [5_000, 40_000],
    params: (r) => ({ publicip_id: r.uuid(), enable_publicip: true }),
  },
];

const weighted = (kinds: readonly TaskKind[]) => kinds.flatMap((k) => Array<TaskKind>(k.weight).fill(k));
const WEIGHTED: readonly TaskKind[] = weighted(TASK_KINDS);
/** Each engine's tasks: its own names and params. */
export const ENGINE_KINDS: Record<Engine, readonly TaskKind[]> = {
  rabbitmq: WEIGHTED,
  kafka: weighted(KAFKA_TASK_KINDS),
  rocketmq: weighted(ROCKETMQ_TASK_KINDS),
};

export const USERS = [
  'ops-admin',
  'zhang.wei',
  'li.na',
  'müller.jörg',
  '王芳',
  'sre-bot',
  'ana.gonçalves',
  'Дмитрий.Иванов',
];

export const MINUTE = 60_000;
const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const HISTORY_DAYS = 90;

const finalStatus = (r: Random): FinalStatus => {
  const x = r.next();
  return x < 0.85 ? 'SUCCESS' : x < 0.94 ? 'FAILED' : x < 0.98 ? 'CANCELLED' : 'DELETED';
};

/** DMS task ids look like Hibernate uuid.hex values (`ff808082…`), 32 lower-case hex digits. */
const taskId = (r: Random) => `ff808082${r.hex(24)}`;

export const makeTask = (
  r: Random,
  createdMs: number,
  userIds: ReadonlyMap<string, string>,
  kinds: readonly TaskKind[] = WEIGHTED,
): TaskRecord => {
  const kind = r.pick(kinds);
  const user = r.pick(USERS);
  const final = finalStatus(r);
  const queuedMs = r.int(500, 6_000);
  const durationMs = r.int(kind.durationMs[0], kind.durationMs[1]);
  // A cancelled task never ran: it left CREATED straight for CANCELLED.
  const startMs = final === 'CANCELLED' ? createdMs + queuedMs + durationMs : createdMs + queuedMs;
  return {
    id: taskId(r),
    name: kind.name,
    user_name: user,
    user_id: userIds.get(user)!,
    params: JSON.stringify(kind.params(r)),
    createdMs,
    startMs,
    endMs: createdMs + queuedMs + durationMs,
    final,
  };
};

/** Where an instance lives: a project and a region (an endpoint of its own). */
export interface Placement {
  projectId: string;
  region: string;
}

export interface SeededInstance {
  instance: SimInstance;
  plan: InstancePlan;
  /** Absent: the simulator's one project and region. */
  placement?: Placement;
  /** Oldest first (so live tasks append). */
  tasks: TaskRecord[];
}

export interface Seeded {
  seed: number;
  seededAtMs: number;
  userIds: ReadonlyMap<string, string>;
  instances: SeededInstance[];
}

const ENGINE_NAMES: Record<Engine, string> = { rabbitmq: 'RabbitMQ', kafka: 'Kafka', rocketmq: 'RocketMQ' };
const ENGINE_PORTS: Record<Engine, number> = { rabbitmq: 5672, kafka: 9092, rocketmq: 8100 };

const makeInstance = (r: Random, plan: InstancePlan, nowMs: number, engine: Engine = 'rabbitmq'): SimInstance => {
  const cluster = plan.type === 'cluster';
  const ip = `192.168.${r.int(0, 255)}.${r.int(2, 250)}`;
  const env = plan.name.split('-')[0]!;
  return {
    instance_id: r.uuid(),
    name: plan.name,
    description: `${env} ${ENGINE_NAMES[engine]}`,
    status: plan.status,
    engine,
    engine_version: plan.version,
    type: plan.type,
    specification: cluster ? '4vCPUs 8GB*3' : '2vCPUs 4GB',
    resource_spec_code: `dms.instance.${engine}.${plan.type}.c3.${cluster ? '4u8g.3' : '2u4g.1'}`,
    product_id: cluster ? 'c6.4u8g.cluster' : 'c6.2u4g.single',
    broker_num: cluster ? 3 : 1,
    storage_space: cluster ? 600 : 200,
    total_storage_space: cluster ? 600 : 200,
    used_storage_space: r.int(1, 120),
    storage_spec_code: 'dms.physical.storage.ultra.v2',
    connect_address: cluster ? [ip, ...[1, 2].map(() => `192.168.${r.int(0, 255)}.${r.int(2, 250)}`)].join(',') : ip,
    management_connect_address: `http://${ip}:15672`,
    port: ENGINE_PORTS[engine],
    access_user: engine === 'rabbitmq' ? 'rabbit' : 'root',
    ssl_enable: r.next() < 0.3,
    created_at: String(nowMs - (HISTORY_DAYS + r.int(1, 300)) * DAY - r.int(0, DAY)),
    maintain_begin: '02:00:00',
    maintain_end: '06:00:00',
    enterprise_project_id: '0',
    tags: [{ key: 'env', value: env }],
    charging_mode: 1,
    vpc_id: r.uuid(),
    vpc_name: `vpc-${env}`,
    subnet_id: r.uuid(),
    security_group_id: r.uuid(),
    security_group_name: `sg-${engine}-${env}`,
    available_zones: [r.uuid().replaceAll('-', '')],
    user_id: r.hex(32),
    user_name: 'ops-admin',
    service_type: 'advanced',
    storage_type: 'hec',
    is_logical_volume: true,
    extend_times: 0,
    ipv6_enable: false,
    disk_encrypted: false,
  };
};

/** Days of the history: some quiet (no tasks), most ordinary, a few bursts packed into two hours. */
const historyTimes = (r: Random, count: number, nowMs: number): number[] => {
  const days = Array.from({ length: HISTORY_DAYS }, () => {
    const x = r.next();
    return { weight: x < 0.15 ? 0 : x > 0.9 ? 8 : 1, burstAt: r.int(0, 21) * HOUR };
  });
  const cumulative: number[] = [];
  let sum = 0;
  for (const d of days) cumulative.push((sum += d.weight));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const pick = r.next() * sum;
    let lo = 0;
    let hi = HISTORY_DAYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > pick) hi = mid;
      else lo = mid + 1;
    }
    const day = days[lo]!;
    const inDay = day.weight > 1 ? day.burstAt + r.int(0, 2 * HOUR) : r.int(0, DAY - 1);
    times.push(nowMs - lo * DAY - inDay);
  }
  return times;
};

/** Hand-placed tasks, so every status and every awkward params shape is there from the start. */
const specials = (r: Random, nowMs: number, userIds: ReadonlyMap<string, string>): TaskRecord[] => {
  const base = (name: string, user: string, createdMs: number, params: string): TaskRecord => ({
    id: taskId(r),
    name,
    user_name: user,
    user_id: userIds.get(user)!,
    params,
    createdMs,
    startMs: createdMs + 2_000,
    endMs: createdMs + 45_000,
    final: 'SUCCESS',
  });
  const largeConfigs = Array.from({ length: 2_500 }, (_, i) => ({
    name: `${CONFIG_NAMES[i % CONFIG_NAMES.length]}.${i}`,
    value: r.hex(16),
    description: 'bulk configuration import from the old cluster',
  }));
  return [
    // a params string that is not JSON (Python repr, as some backends write)
    base('enableRabbitmqPlugins', 'sre-bot', nowMs - 2 * HOUR, "{'plugins': ['rabbitmq_shovel'], 'enable': True}"),
    // a very large params object (~200 KB)
    {
      ...base('modifyInstanceConfig', '王芳', nowMs - 5 * HOUR, JSON.stringify({ configs: largeConfigs })),
      final: 'FAILED',
    },
    { ...base('restartInstance', 'müller.jörg', nowMs - 3 * HOUR, '{"force":true}'), final: 'CANCELLED' },
    {
      ...base('unbindInstancePublicIp', 'ops-admin', nowMs - 4 * HOUR, '{"enable_public_ip":false}'),
      final: 'DELETED',
    },
    // still running at start: one queued, one executing for a while yet
    {
      ...base('bindInstancePublicIp', 'zhang.wei', nowMs - 1_000, '{"enable_public_ip":true}'),
      startMs: nowMs + 4_000,
      endMs: nowMs + 30_000,
    },
    {
      ...base('resizeInstance', 'li.na', nowMs - 10 * MINUTE, '{"new_storage_space":900,"oper_type":"horizontal"}'),
      endMs: nowMs + 15 * MINUTE,
    },
  ];
};

/**
 * Tasks the insights must find, on their own random stream so the rest of the seed is unchanged:
 * a few ordinary runs of two names (so each has its 5 runs in the last day), two slow outliers,
 * one resize stuck in EXECUTING, and two config changes a key apart (a pair to diff).
 */
export const insightSpecials = (r: Random, nowMs: number, userIds: ReadonlyMap<string, string>): TaskRecord[] => {
  const run = (name: string, user: string, createdMs: number, durationMs: number, params: unknown): TaskRecord => ({
    id: taskId(r),
    name,
    user_name: user,
    user_id: userIds.get(user)!,
    params: JSON.stringify(params),
    createdMs,
    startMs: createdMs + 3_000,
    endMs: createdMs + durationMs,
    final: 'SUCCESS',
  });
  const resize = (storage: number) => ({
    old_spec_code: 'dms.instance.rabbitmq.cluster.c3.2u4g.3',
    new_spec_code: 'dms.instance.rabbitmq.cluster.c3.4u8g.3',
    new_storage_space: storage,
    oper_type: 'vertical',
  });
  const ordinary = Array.from({ length: 5 }, (_, i) => [
    run('resizeInstance', 'ops-admin', nowMs - (12 + i * 2) * HOUR, r.int(15, 22) * MINUTE, resize(600)),
    run('restartInstance', 'sre-bot', nowMs - (13 + i * 2) * HOUR, r.int(100, 160) * 1_000, { force: false }),
  ]).flat();
  return [
    ...ordinary,
    // outliers: a resize about 3.5× its median, a restart over ten times its median
    run('resizeInstance', 'ops-admin', nowMs - 6 * HOUR, 62 * MINUTE, { ...resize(900), note: 'slow disk copy' }),
    {
      ...run('restartInstance', 'sre-bot', nowMs - 9 * HOUR, 40 * MINUTE, { force: true, reason: 'hung broker' }),
      final: 'FAILED',
    },
    // stuck: executing for two hours at seed time, and for a month more
    { ...run('resizeInstance', 'li.na', nowMs - 2 * HOUR, 30 * DAY, resize(1200)) },
    // the pair to diff: the same change, one key apart (and one more key), minutes apart
    run('modifyInstanceConfig', 'ops-admin', nowMs - 7 * HOUR, 40_000, {
      configs: [{ name: 'heartbeat', value: '60' }],
      apply: 'immediately',
    }),
    {
      ...run('modifyInstanceConfig', 'ops-admin', nowMs - 7 * HOUR + 5 * MINUTE, 35_000, {
        configs: [{ name: 'heartbeat', value: '0' }],
        apply: 'immediately',
        force: true,
      }),
      final: 'FAILED',
    },
  ];
};

/** The fleet seed's projects and regions: real region names, made-up project ids. */
export const FLEET_PROJECTS = ['0a1b2c3d4e5f60718293a4b5c6d7e8f9', '1b2c3d4e5f60718293a4b5c6d7e8f90a'] as const;
export const FLEET_REGIONS = ['cn-north-4', 'ap-southeast-1', 'eu-west-101'] as const;
const FLEET_STATUSES = ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'FROZEN', 'EXTENDING'];
const FLEET_TEAMS = ['orders', 'payments', 'events', 'search', 'billing', 'iot', 'audit', 'mail', 'ledger', 'ads'];
/** Every this-many-th instance of the fleet is busy; the rest are quiet. */
export const FLEET_BUSY_EVERY = 25;

/**
 * SIMULATOR_FLEET: `count` instances over three regions and two projects, half RabbitMQ, the rest
 * Kafka and RocketMQ; most are quiet (a few tasks a month), one in FLEET_BUSY_EVERY busy. Each
 * instance has its own random stream, so the fleet's first instances are the same at any size.
 */
const fleet = (seedValue: number, nowMs: number, count: number, userIds: ReadonlyMap<string, string>) =>
  Array.from({ length: count }, (_, index): SeededInstance => {
    const r = createRandom(mixSeed(seedValue, 15, index));
    const engine: Engine = index % 10 < 5 ? 'rabbitmq' : index % 10 < 8 ? 'kafka' : 'rocketmq';
    const busy = index % FLEET_BUSY_EVERY === 0;
    const env = r.pick(['prod', 'prod', 'staging', 'dev']);
    const plan: InstancePlan = {
      name: `${env}-${r.pick(FLEET_TEAMS)}-${engine}-${String(index).padStart(3, '0')}`,
      status: busy ? 'RUNNING' : r.pick(FLEET_STATUSES),
      version: engine === 'rabbitmq' ? '3.12.13' : engine === 'kafka' ? '3.x' : '5.x',
      type: busy || r.next() < 0.4 ? 'cluster' : 'single',
      tasks: busy ? r.int(800, 1_500) : r.int(0, 30),
      livePerMinute: busy ? 1 : 0,
    };
    const instance = makeInstance(r, plan, nowMs, engine);
    const kinds = ENGINE_KINDS[engine];
    const tasks = historyTimes(r, plan.tasks, nowMs).map((t) => makeTask(r, t, userIds, kinds));
    // the busy ones have work under way at start
    if (busy) for (let i = 0; i < 2; i++) tasks.push(makeTask(r, nowMs - r.int(1_000, 60_000), userIds, kinds));
    tasks.sort((a, b) => a.createdMs - b.createdMs);
    const placement = { projectId: FLEET_PROJECTS[Math.floor(index / 3) % 2]!, region: FLEET_REGIONS[index % 3]! };
    return { instance, plan, tasks, placement };
  });

/**
 * Deterministic for a seed and a `now`: the same instances, and tasks at the same offsets from now.
 * `fleetSize` (SIMULATOR_FLEET) seeds that many instances over three regions and two projects instead.
 */
export const seed = (seedValue: number, nowMs: number, fleetSize?: number): Seeded => {
  if (fleetSize !== undefined && fleetSize > 0) {
    const ur = createRandom(mixSeed(seedValue, 16));
    const userIds = new Map(USERS.map((u) => [u, ur.hex(32)]));
    return { seed: seedValue, seededAtMs: nowMs, userIds, instances: fleet(seedValue, nowMs, fleetSize, userIds) };
  }
  const r = createRandom(seedValue);
  const userIds = new Map(USERS.map((u) => [u, r.hex(32)]));
  const instances = INSTANCE_PLANS.map((plan, index) => {
    const engine = plan.engine ?? 'rabbitmq';
    const instance = makeInstance(r, plan, nowMs, engine);
    const tr = createRandom(mixSeed(seedValue, index));
    const kinds = ENGINE_KINDS[engine];
    const tasks = historyTimes(tr, plan.tasks, nowMs).map((t) => makeTask(tr, t, userIds, kinds));
    if (plan.tasks > 0 && plan.livePerMinute > 0) {
      // a few tasks in the last minutes, so live work is on screen at start
      for (let i = 0; i < 3; i++) tasks.push(makeTask(tr, nowMs - tr.int(1_000, 90_000), userIds, kinds));
    }
    if (index === 0) tasks.push(...specials(tr, nowMs, userIds));
    if (index === 0) tasks.push(...insightSpecials(createRandom(mixSeed(seedValue, index, 14)), nowMs, userIds));
    tasks.sort((a, b) => a.createdMs - b.createdMs);
    return { instance, plan, tasks };
  });
  return { seed: seedValue, seededAtMs: nowMs, userIds, instances };
};

/**
 * The tasks that arrive on an instance during one minute of run time: a pure function of the
 * seed, the instance and the minute, so a re-run (or a test with an injected clock) sees the same.
 */
export const liveTasksForMinute = (
  seeded: Seeded,
  instanceIndex: number,
  minute: number,
  userIds: ReadonlyMap<string, string>,
): TaskRecord[] => {
  const rate = seeded.instances[instanceIndex]!.plan.livePerMinute;
  if (rate <= 0) return [];
  const r = createRandom(mixSeed(seeded.seed, instanceIndex, minute));
  // Poisson arrivals (Knuth), fine for small rates
  const limit = Math.exp(-rate);
  let count = 0;
  for (let p = r.next(); p > limit; p *= r.next()) count++;
  const times = Array.from({ length: count }, () => minute * MINUTE + r.int(0, MINUTE - 1)).sort((a, b) => a - b);
  const kinds = ENGINE_KINDS[seeded.instances[instanceIndex]!.instance.engine];
  return times.map((t) => makeTask(r, t, userIds, kinds));
};
