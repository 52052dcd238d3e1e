/**
 * The API contract as plain values and types. This file imports nothing, so the SPA's first view
 * takes it without pulling in a validator (zod costs 93 KB gzip there); the zod schemas in
 * task.ts, task-query.ts and instance.ts are built from it, and so are the SPA's URL parsers
 * and the simulator's seed.
 */

export const TASK_STATUSES = ['CREATED', 'EXECUTING', 'SUCCESS', 'FAILED', 'DELETED', 'CANCELLED'] as const;
/** The statuses this console knows: the status filter takes these, and switches over them are exhaustive. */
export type TaskStatus = (typeof TASK_STATUSES)[number];
/**
 * A task's status as the API serves it: a known one, or any other DMS sent, kept as sent
 * (`''` when it sent none). `string & {}` keeps the known names for completion.
 */
export type ApiTaskStatus = TaskStatus | (string & {});
/** Statuses a task can still leave: the live view polls while any is on screen. */
export const UNFINISHED_STATUSES: readonly TaskStatus[] = ['CREATED', 'EXECUTING'];
export const isKnownStatus = (status: string): status is TaskStatus =>
  (TASK_STATUSES as readonly string[]).includes(status);
/** Whether a task may still change: an unknown status counts as finished, so nothing polls for it forever. */
export const isUnfinished = (status: string): boolean => (UNFINISHED_STATUSES as readonly string[]).includes(status);

/** Task fields DMS may leave out (every one is optional in its SDK models); `missing` names them. */
export const TASK_FIELDS = ['id', 'name', 'status', 'userName', 'createdAt'] as const;
export type TaskField = (typeof TASK_FIELDS)[number];

/** DMS task ids are 32 lowercase hex characters. */
/** The DMS engines, as ListInstancesDetails names them in `engine` (docs/UPSTREAM.md). */
export const ENGINES = ['rabbitmq', 'kafka', 'rocketmq'] as const;
export type Engine = (typeof ENGINES)[number];
export const ENGINE_LABELS: Record<Engine, string> = { rabbitmq: 'RabbitMQ', kafka: 'Kafka', rocketmq: 'RocketMQ' };

export const TASK_ID_PATTERN = /^[0-9a-f]{32}$/;
/** DMS instance ids are UUIDs (lowercase hex, 8-4-4-4-12). */
export const INSTANCE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Longest params a list answer carries whole; one huge params must not make every page slow. */
export const LIST_PARAMS_MAX = 16_384;

export const RANGE_PRESETS = ['1h', '24h', '7d', '30d'] as const;
export const DEFAULT_RANGE = '24h';
/** A rolling range: a count and a unit, e.g. `15m`, `1h`, `24h`, `7d`, `90d`. */
export const RANGE_PATTERN = /^[1-9][0-9]{0,3}[mhd]$/;
const RANGE_UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The span of a range that matches RANGE_PATTERN. */
export const rangeToMs = (range: string): number =>
  Number(range.slice(0, -1)) * RANGE_UNIT_MS[range.at(-1) as keyof typeof RANGE_UNIT_MS];

export const SORT_KEYS = ['createdAt', 'updatedAt', 'name', 'status', 'userName', 'durationMs'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/**
 * Where a task ran: the fleet view (`GET /api/tasks`) sorts by these after SORT_KEYS. A literal
 * list: a spread here would stay in the first view's bundle, which never sorts by them.
 */
export const PLACE_SORT_KEYS = ['instanceName', 'engine', 'projectId', 'region'] as const;
export type FleetSortKey = SortKey | (typeof PLACE_SORT_KEYS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const DEFAULT_SORT: SortKey = 'createdAt';
export const DEFAULT_ORDER: SortOrder = 'desc';

export const PAGE_MAX = 1_000_000;
export const PAGE_SIZE_MIN = 10;
export const PAGE_SIZE_MAX = 500;
export const DEFAULT_PAGE_SIZE = 50;

/** Length limits of the free-text query values, and of the comma lists. */
export const QUERY_LIMITS = { name: 128, user: 128, q: 256, listItems: 100 } as const;

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Flags the insights put on tasks (slow outliers, stuck runs); `flag=` keeps only those. */
export const TASK_FLAGS = ['outlier', 'stuck'] as const;
export type TaskFlag = (typeof TASK_FLAGS)[number];

/** Every search param of the task list query (taskQuerySchema has exactly these keys). */
export const TASK_QUERY_KEYS = [
  'range',
  'from',
  'to',
  'status',
  'name',
  'user',
  'q',
  'flag',
  'sort',
  'order',
  'page',
  'pageSize',
] as const;
export type TaskQueryKey = (typeof TASK_QUERY_KEYS)[number];
/** The export takes the list's keys plus `format`. */
export const TASK_EXPORT_QUERY_KEYS = [...TASK_QUERY_KEYS, 'format'] as const;
