import { z } from 'zod';
import { TASK_STATUSES } from './task.ts';

export const RANGE_PRESETS = ['1h', '24h', '7d', '30d'] as const;
/** A rolling range: a count and a unit, e.g. `1h`, `24h`, `7d`, `90d`. */
export const rangeSchema = z.string().regex(/^[1-9][0-9]{0,3}[mhd]$/, 'must look like 15m, 1h, 24h, 7d or 30d');

const RANGE_UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const rangeToMs = (range: string): number => {
  const unit = range.at(-1) as keyof typeof RANGE_UNIT_MS;
  return Number(range.slice(0, -1)) * RANGE_UNIT_MS[unit];
};

export const SORT_KEYS = ['createdAt', 'updatedAt', 'name', 'status', 'userName', 'durationMs'] as const;
export const sortKeySchema = z.enum(SORT_KEYS);
export type SortKey = z.infer<typeof sortKeySchema>;

export const PAGE_SIZE_MIN = 10;
export const PAGE_SIZE_MAX = 500;
export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_RANGE = '24h';

const commaList = <T extends string>(item: z.ZodType<T, string>) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(100));

const isoInstant = z.iso.datetime({ offset: true });

/**
 * The task list query as it travels in a URL's search params (the server's validator and the
 * SPA's URL state both parse it with this schema). Every field is a string on the wire.
 */
const taskQueryFields = {
  range: rangeSchema.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  status: commaList(z.enum(TASK_STATUSES)).optional(),
  name: commaList(z.string().min(1).max(128)).optional(),
  user: z.string().max(128).optional(),
  q: z.string().max(256).optional(),
  sort: sortKeySchema.default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(PAGE_SIZE_MIN).max(PAGE_SIZE_MAX).default(DEFAULT_PAGE_SIZE),
};

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST = Date.parse('2100-01-01T00:00:00Z');
/** A real instant the upstream's YYYYMMDDHHmmss can carry (2000 to 2100). */
const isInstant = (s: string | undefined) => {
  if (s === undefined) return true;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST;
};

const windowRules = <
  T extends z.ZodType<{ range?: string | undefined; from?: string | undefined; to?: string | undefined }>,
>(
  schema: T,
) =>
  schema
    .refine((q) => isInstant(q.from), { message: 'not a date and time between 2000 and 2100', path: ['from'] })
    .refine((q) => isInstant(q.to), { message: 'not a date and time between 2000 and 2100', path: ['to'] })
    .refine((q) => (q.from === undefined) === (q.to === undefined), {
      message: 'from and to go together',
      path: ['from'],
    })
    .refine((q) => !(q.range && q.from), { message: 'give either range or from/to, not both', path: ['range'] })
    .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
      message: 'from must be before to',
      path: ['to'],
    });

/**
 * The task list query as it travels in a URL's search params (the server's validator and the
 * SPA's URL state both parse it with this schema). Every field is a string on the wire.
 */
export const taskQuerySchema = windowRules(z.object(taskQueryFields));
export type TaskQuery = z.infer<typeof taskQuerySchema>;

export const EXPORT_FORMATS = ['csv', 'json'] as const;
/** The export takes the list's filters and sort (page and pageSize are ignored) plus a format. */
export const taskExportQuerySchema = windowRules(
  z.object({ ...taskQueryFields, format: z.enum(EXPORT_FORMATS).default('csv') }),
);
export type TaskExportQuery = z.infer<typeof taskExportQuerySchema>;
