import { type Context, Hono, type TypedResponse } from 'hono';
import { z } from 'zod';
import { instanceIdSchema } from '../../shared/instance.ts';
import { type Insights, type InsightsQuery, insightsQuerySchema, type Timeline } from '../../shared/insights.ts';
import { taskQuerySchema, type TaskQuery } from '../../shared/task-query.ts';
import type { InstanceDirectory } from '../instances.ts';
import { type Memo, queryWindow, windowMemo } from '../tasks/query.ts';
import { flaggedTasks, histogram, insightsOf } from '../tasks/stats.ts';
import { type WindowEntry, type WindowStore, windowJson } from '../tasks/window.ts';
import { validate } from '../validate.ts';
import { cachedJson, jsonBytes } from './answer.ts';
import { loadWindow } from './load-window.ts';

export interface InsightsRoutesOptions {
  directory: InstanceDirectory;
  windows: WindowStore;
  rollingStepMs: number;
}

const instanceParam = z.object({ instanceId: instanceIdSchema });

/**
 * The answers are pure functions of the window and the query: serialised once and kept beside
 * the window in the store's one byte-bounded cache (with the stats they are built from).
 */
/** The window's tasks under the table's filters (the flag too), through the list's own cached filter. */
const matchingTasks = (
  windows: WindowStore,
  entry: WindowEntry,
  query: TaskQuery,
  memo: Memo,
  order: 'asc' | 'desc',
) => {
  const base = query.flag ? flaggedTasks(entry.tasks, entry.fetchedAt, query.flag, memo) : entry.tasks;
  return queryWindow(
    base,
    { ...query, sort: 'createdAt', order, page: 1, pageSize: 1 },
    windowMemo(windows, entry, query.flag),
  ).matching;
};

/** An answer kept under `key` beside its window, serialised once (and compressed once per coding asked). */
const jsonOnce =
  (c: Context, memo: Memo) =>
  <T>(key: string, answer: () => T) =>
    cachedJson(
      c,
      (k, make) => memo(k, make, (body) => body.byteLength + 100),
      key,
      () => jsonBytes(answer()),
    );

const insightsAnswer = (c: Context, windows: WindowStore, entry: WindowEntry, query: InsightsQuery) => {
  const memo = windowMemo(windows, entry);
  const key = JSON.stringify([query.status, query.name, query.user, query.q, query.flag, query.tz]);
  return jsonOnce(c, memo)(`insights|${key}`, (): Insights => {
    // the table's sort is irrelevant here
    const matching = matchingTasks(windows, entry, query, memo, 'desc');
    return {
      window: windowJson(entry),
      fetchedAt: new Date(entry.fetchedAt).toISOString(),
      histogram: { tz: query.tz, ...histogram(matching, entry.from, entry.to, query.tz) },
      ...insightsOf(entry.tasks, matching, entry.fetchedAt, memo),
    };
  });
};

const timelineAnswer = (c: Context, windows: WindowStore, entry: WindowEntry, query: TaskQuery) => {
  const memo = windowMemo(windows, entry);
  const key = JSON.stringify([query.status, query.name, query.user, query.q, query.flag]);
  return jsonOnce(c, memo)(`timeline|${key}`, (): Timeline => ({
    window: windowJson(entry),
    fetchedAt: new Date(entry.fetchedAt).toISOString(),
    tasks: matchingTasks(windows, entry, query, memo, 'asc').map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      user: t.userName,
      start: Date.parse(t.createdAt),
      end: t.durationMs === null ? null : Date.parse(t.updatedAt),
    })),
  }));
};

/**
 * `GET /:instanceId/insights` (histogram, durations, outliers and stuck tasks) and
 * `GET /:instanceId/timeline` (every matching task as a bar) of the list's window.
 */
export const insightsRoutes = ({ directory, windows, rollingStepMs }: InsightsRoutesOptions) => {
  const options = { directory, windows, rollingStepMs };
  const windowOf = async (instanceId: string, query: TaskQuery, req: Request) =>
    (await loadWindow(options, instanceId, query, req)).entry;
  return new Hono()
    .get(
      '/:instanceId/insights',
      validate('param', instanceParam),
      validate('query', insightsQuerySchema),
      async (c) => {
        const query = c.req.valid('query');
        const entry = await windowOf(c.req.valid('param').instanceId, query, c.req.raw);
        return insightsAnswer(c, windows, entry, query) as unknown as Response & TypedResponse<Insights, 200, 'json'>;
      },
    )
    .get('/:instanceId/timeline', validate('param', instanceParam), validate('query', taskQuerySchema), async (c) => {
      const query = c.req.valid('query');
      const entry = await windowOf(c.req.valid('param').instanceId, query, c.req.raw);
      return timelineAnswer(c, windows, entry, query) as unknown as Response & TypedResponse<Timeline, 200, 'json'>;
    });
};
