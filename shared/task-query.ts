import { z } from 'zod';
import {
  DEFAULT_ORDER,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SORT,
  EXPORT_FORMATS,
  PAGE_MAX,
  PAGE_SIZE_MAX,
  PAGE_SIZE_MIN,
  QUERY_LIMITS,
  RANGE_PATTERN,
  SORT_KEYS,
  SORT_ORDERS,
  TASK_FLAGS,
  TASK_STATUSES,
  type TaskQueryKey,
} from './contract.ts';

export const rangeSchema = z.string().regex(RANGE_PATTERN, 'must look like 15m, 1h, 24h, 7d or 30d');
export const sortKeySchema = z.enum(SORT_KEYS);

const commaList = <T extends string>(item: z.ZodType<T, string>) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(QUERY_LIMITS.listItems));

const isoInstant = z.iso.datetime({ offset: true });

/** One schema per key of TASK_QUERY_KEYS: the compiler fails if the two lists part. */
export const taskQueryFields = {
  range: rangeSchema.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  status: commaList(z.enum(TASK_STATUSES)).optional(),
  name: commaList(z.string().min(1).max(QUERY_LIMITS.name)).optional(),
  user: z.string().max(QUERY_LIMITS.user).optional(),
  q: z.string().max(QUERY_LIMITS.q).optional(),
  flag: z.enum(TASK_FLAGS).optional(),
  sort: sortKeySchema.default(DEFAULT_SORT),
  order: z.enum(SORT_ORDERS).default(DEFAULT_ORDER),
  page: z.coerce.number().int().min(1).max(PAGE_MAX).default(1),
  pageSize: z.coerce.number().int().min(PAGE_SIZE_MIN).max(PAGE_SIZE_MAX).default(DEFAULT_PAGE_SIZE),
} satisfies Record<TaskQueryKey, z.ZodType>;

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST = Date.parse('2100-01-01T00:00:00Z');
/** A real instant the upstream's YYYYMMDDHHmmss can carry (2000 to 2100). */
const isInstant = (s: string | undefined) => {
  if (s === undefined) return true;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST;
};

export const windowRules = <
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

/** The export takes the list's filters and sort (page and pageSize are ignored) plus a format. */
export const taskExportQuerySchema = windowRules(
  z.object({ ...taskQueryFields, format: z.enum(EXPORT_FORMATS).default('csv') }),
);
export type TaskExportQuery = z.infer<typeof taskExportQuerySchema>;
