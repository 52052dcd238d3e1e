import {
  createParser,
  parseAsStringLiteral,
  useQueryStates,
  type inferParserType,
  type Nullable,
  type Options,
} from 'nuqs';
import { useCallback, useMemo } from 'react';
import {
  DEFAULT_ORDER,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RANGE,
  DEFAULT_SORT,
  PAGE_MAX,
  PAGE_SIZE_MAX,
  PAGE_SIZE_MIN,
  QUERY_LIMITS,
  RANGE_PATTERN,
  RANGE_PRESETS,
  rangeToMs,
  SORT_KEYS,
  SORT_ORDERS,
  type SortKey,
  TASK_FLAGS,
  TASK_ID_PATTERN,
  TASK_QUERY_KEYS,
  TASK_STATUSES,
  type TaskQueryKey,
  type TaskStatus,
} from '../../../shared/contract.ts';
import { zoneParser } from '../../lib/zone.ts';

// The parsers are built from the same constants as shared/task-query.ts's taskQuerySchema, and
// each accepts a subset of what it accepts (url-state.test.ts proves it), so a URL the SPA
// keeps is one the server takes.

const text = (max: number, pattern?: RegExp) =>
  createParser<string>({
    parse: (v) => (v.length <= max && (!pattern || pattern.test(v)) ? v : null),
    serialize: (v) => v,
  });

const ISO_INSTANT =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const instant = createParser<string>({
  parse: (v) => {
    const m = ISO_INSTANT.exec(v);
    if (!m) return null;
    // Date.parse rolls 2026-02-30 over into March; the server's schema refuses it.
    const daysInMonth = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
    return Number(m[3]) <= daysInMonth && !Number.isNaN(Date.parse(v)) ? v : null;
  },
  serialize: (v) => v,
});

const int = (min: number, max: number) =>
  createParser<number>({
    parse: (v) => {
      if (!/^\d{1,7}$/.test(v)) return null;
      const n = Number(v);
      return n >= min && n <= max ? n : null;
    },
    serialize: String,
  });

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const splitList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A comma list that keeps its valid items (a link's one bad value does not cost the good ones). */
const list = <T extends string>(valid: (s: string) => s is T) =>
  createParser<T[]>({
    parse: (v) => {
      const items = splitList(v);
      const kept = items.filter(valid);
      return items.length <= QUERY_LIMITS.listItems && (kept.length > 0 || items.length === 0) ? kept : null;
    },
    serialize: (v) => v.join(','),
    eq: sameList,
  });

const isStatus = (s: string): s is TaskStatus => (TASK_STATUSES as readonly string[]).includes(s);
const isName = (s: string): s is string => s.length <= QUERY_LIMITS.name;
/** A row to open: a task id, or `row-N` for a task whose id is no DMS id (its place on the page). */
const isRowId = (s: string): s is string => TASK_ID_PATTERN.test(s) || /^row-\d{1,3}$/.test(s);
const LIST_CHECKS: Partial<Record<string, (s: string) => boolean>> = { status: isStatus, name: isName, open: isRowId };

/** One parser per key of the API's query (the compiler checks the list), and the view's own keys. */
const apiQueryParsers = {
  range: text(5, RANGE_PATTERN),
  from: instant,
  to: instant,
  status: list(isStatus).withDefault([]),
  name: list(isName).withDefault([]),
  user: text(QUERY_LIMITS.user).withDefault(''),
  q: text(QUERY_LIMITS.q).withDefault(''),
  flag: parseAsStringLiteral(TASK_FLAGS),
  sort: parseAsStringLiteral(SORT_KEYS).withDefault(DEFAULT_SORT),
  order: parseAsStringLiteral(SORT_ORDERS).withDefault(DEFAULT_ORDER),
  page: int(1, PAGE_MAX).withDefault(1),
  pageSize: int(PAGE_SIZE_MIN, PAGE_SIZE_MAX).withDefault(DEFAULT_PAGE_SIZE),
} satisfies Record<TaskQueryKey, unknown>;

export const taskSearchParsers = {
  ...apiQueryParsers,
  zone: zoneParser,
  /** The tasks whose params are open in the list. */
  open: list(isRowId).withDefault([]),
};
/** The view's parsers sorting by `sortKeys` (the fleet view's add PLACE_SORT_KEYS): built in the view's own chunk. */
export type SearchParsers<S extends string> = Omit<typeof taskSearchParsers, 'sort'> & {
  sort: ReturnType<typeof parseAsStringLiteral<S>> extends infer P ? P & { defaultValue: S } : never;
};

/**
 * The view's search as useQueryStates reads it, from a URL's search outside React (the boot's
 * prefetch). Not nuqs's createLoader: its other inputs (Request, URL, promises) cost the first view
 * a third of a KB it has not got.
 */
export const loadTaskSearch = (search: string): TaskSearch => {
  const params = new URLSearchParams(search);
  return Object.fromEntries(
    Object.entries(taskSearchParsers).map(([key, parser]) => [
      key,
      parser.parseServerSide(params.get(key) ?? undefined),
    ]),
  ) as TaskSearch;
};

/** Every search param the list view reads: the API's query keys and the view's own. */
export const TASK_SEARCH_KEYS = [...TASK_QUERY_KEYS, 'zone', 'open'] as const satisfies readonly (keyof TaskSearch)[];

export type TaskSearch = inferParserType<typeof taskSearchParsers>;
export type TaskSearchPatch = Partial<Nullable<TaskSearch>>;

export type RangeState = { kind: 'rolling'; range: string } | { kind: 'absolute'; from: string; to: string };

export const rangeState = (s: Pick<TaskSearch, 'range' | 'from' | 'to'>): RangeState =>
  s.from && s.to && !s.range && Date.parse(s.from) < Date.parse(s.to)
    ? { kind: 'absolute', from: s.from, to: s.to }
    : { kind: 'rolling', range: s.range ?? DEFAULT_RANGE };

const NARROWER = [...RANGE_PRESETS, '15m'].sort((a, b) => rangeToMs(b) - rangeToMs(a));

/**
 * A shorter range than `r` (the next preset below a rolling one, the later half of an absolute
 * one), for a window too large to read; undefined when nothing shorter is offered.
 */
export const narrowerRange = (r: RangeState): { label: string; patch: TaskSearchPatch } | undefined => {
  if (r.kind === 'absolute') {
    const from = Date.parse(r.from);
    const to = Date.parse(r.to);
    return {
      label: 'the later half of this range',
      patch: { from: new Date(from + Math.ceil((to - from) / 2)).toISOString(), to: r.to, range: null },
    };
  }
  const span = rangeToMs(r.range);
  const shorter = NARROWER.find((p) => rangeToMs(p) < span);
  return shorter === undefined
    ? undefined
    : { label: `the last ${shorter}`, patch: { range: shorter, from: null, to: null } };
};

const parses = (parser: { parse: (v: string) => unknown }, raw: string) => {
  try {
    return parser.parse(raw) !== null;
  } catch {
    return false;
  }
};

/** The view's search params as the URL holds them, before parsing (`null` when absent). */
export type RawSearch = Partial<Record<string, string | null>>;

const rawOf = (search: string | RawSearch): RawSearch =>
  typeof search === 'string' ? Object.fromEntries(new URLSearchParams(search)) : search;

/**
 * The keys of a search that the parsers refuse, or that contradict each other
 * (from without to, from after to, range with from/to). The view drops them and says so.
 */
export const findUrlProblems = (search: string | RawSearch): string[] => {
  const params = rawOf(search);
  const bad = new Set<string>();
  for (const [key, parser] of Object.entries(taskSearchParsers)) {
    const raw = params[key];
    if (raw == null) continue;
    if (!parses(parser, raw)) bad.add(key);
  }
  const from = bad.has('from') ? null : (params.from ?? null);
  const to = bad.has('to') ? null : (params.to ?? null);
  if ((from === null) !== (to === null)) {
    if (from !== null) bad.add('from');
    if (to !== null) bad.add('to');
  } else if (from !== null && to !== null) {
    if (Date.parse(from) >= Date.parse(to)) {
      bad.add('from');
      bad.add('to');
    } else if (params.range != null) bad.add('range');
  }
  return [...bad];
};

/** Values a list param dropped while keeping its valid ones: `status=FAILED,NOPE` → status: NOPE. */
export const findDroppedValues = (search: string | RawSearch): { key: string; values: string[] }[] => {
  const params = rawOf(search);
  const bad = findUrlProblems(params);
  return Object.entries(LIST_CHECKS).flatMap(([key, valid]) => {
    const raw = params[key];
    if (raw == null || !valid || bad.includes(key)) return [];
    const values = splitList(raw).filter((s) => !valid(s));
    return values.length ? [{ key, values }] : [];
  });
};

/** The list query as the API takes it (same keys as taskQuerySchema); it is also the query key. */
export type ApiQuery = Record<string, string>;

export const toApiQuery = (s: Omit<TaskSearch, 'sort'> & { sort: string }): ApiQuery => {
  const r = rangeState(s);
  const q: ApiQuery = r.kind === 'rolling' ? { range: r.range } : { from: r.from, to: r.to };
  if (s.status.length) q.status = s.status.join(',');
  if (s.name.length) q.name = s.name.join(',');
  if (s.user) q.user = s.user;
  if (s.q) q.q = s.q;
  if (s.flag) q.flag = s.flag;
  q.sort = s.sort;
  q.order = s.order;
  q.page = String(s.page);
  q.pageSize = String(s.pageSize);
  return q;
};

/** Fields that, when they change, send the reader back to page 1. */
const PAGE_RESETTING: readonly string[] = TASK_QUERY_KEYS.filter((k) => k !== 'page');

/** Times (`…At`) and durations (`…Ms`) newest and longest first; text A to Z. */
export const defaultOrder = (sort: string): 'asc' | 'desc' => (/(At|Ms)$/.test(sort) ? 'desc' : 'asc');

/** A change to the query goes back to page 1, unless it names the page itself. */
const withPageReset = (patch: TaskSearchPatch): TaskSearchPatch =>
  Object.keys(patch).some((k) => PAGE_RESETTING.includes(k)) && !('page' in patch) ? { ...patch, page: null } : patch;

/** The search `update(patch)` leads to: a null key is back to its default. */
export const patchedSearch = (search: TaskSearch, patch: TaskSearchPatch): TaskSearch => {
  const next: Record<string, unknown> = { ...search };
  for (const [key, value] of Object.entries(withPageReset(patch))) {
    const parser = taskSearchParsers[key as keyof TaskSearch];
    next[key] = value ?? ('defaultValue' in parser ? parser.defaultValue : null);
  }
  return next as TaskSearch;
};

/** The search with sort keys `S`: parsers built with them parse exactly these. */
type SearchOf<S extends string> = Omit<TaskSearch, 'sort'> & { sort: S };
type PatchOf<S extends string> = Omit<TaskSearchPatch, 'sort'> & { sort?: S | null };

export const useTaskSearch = <S extends string = SortKey>(
  parsers: SearchParsers<S> | typeof taskSearchParsers = taskSearchParsers,
) => {
  const [raw, set] = useQueryStates(parsers as typeof taskSearchParsers, { history: 'push' });
  const search = raw as SearchOf<S>;
  const update = useCallback(
    (patch: PatchOf<S>, options?: Options) => set(withPageReset(patch as TaskSearchPatch), options),
    [set],
  );
  const apiQuery = useMemo(() => toApiQuery(search), [search]);
  return { search, update, apiQuery, range: rangeState(search) };
};
