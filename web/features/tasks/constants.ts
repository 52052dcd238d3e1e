import type { TaskStatus } from '../../../shared/task.ts';
import type { SortKey } from '../../../shared/task-query.ts';

// Copies of shared/ constants, so the first bundle does not pull zod in with them;
// constants.test.ts proves they match the schemas.
export const TASK_STATUSES = [
  'CREATED',
  'EXECUTING',
  'SUCCESS',
  'FAILED',
  'DELETED',
  'CANCELLED',
] as const satisfies readonly TaskStatus[];
export const UNFINISHED: readonly TaskStatus[] = ['CREATED', 'EXECUTING'];
export const SORT_KEYS = [
  'createdAt',
  'updatedAt',
  'name',
  'status',
  'userName',
  'durationMs',
] as const satisfies readonly SortKey[];
export const RANGE_PRESETS = ['1h', '24h', '7d', '30d'] as const;
export const DEFAULT_RANGE = '24h';
export const DEFAULT_PAGE_SIZE = 50;
export const PAGE_SIZE_MIN = 10;
export const PAGE_SIZE_MAX = 500;
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const RANGE_PATTERN = /^[1-9][0-9]{0,3}[mhd]$/;
export const TASK_ID_PATTERN = /^[0-9a-f]{32}$/;
export const INSTANCE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const POLL_MS = 5_000;
export const IDLE_POLL_MS = 30_000;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const rangeToMs = (range: string): number =>
  Number(range.slice(0, -1)) * UNIT_MS[range.at(-1) as keyof typeof UNIT_MS];
