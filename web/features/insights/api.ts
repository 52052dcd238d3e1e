import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { Insights } from '../../../shared/insights.ts';
import { afterFailure, api, getJson, hasObject } from '../../lib/api.ts';
import { formatDuration, type Zone } from '../../lib/dates.ts';

/** The IANA zone the server aligns buckets to: the browser's own, or UTC. */
export const zoneTz = (zone: Zone): string =>
  zone === 'utc' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const IGNORED = new Set(['sort', 'order', 'page', 'pageSize']);

/** The list's query without what only orders or pages it: which tasks, not in what order. */
export const unorderedQuery = (listQuery: Readonly<Record<string, string>>): Record<string, string> => {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(listQuery)) if (!IGNORED.has(k)) q[k] = v;
  return q;
};

/** The insights' query: the list's, unordered (so a page change reuses the insights), in a zone. */
export const insightsQuery = (listQuery: Readonly<Record<string, string>>, tz: string): Record<string, string> => ({
  ...unorderedQuery(listQuery),
  tz,
});

export const insightsKeys = {
  all: ['insights'] as const,
  detail: (instanceId: string, query: Record<string, string>) => [...insightsKeys.all, instanceId, query] as const,
};

export const insightsOptions = (instanceId: string, query: Record<string, string>) =>
  queryOptions({
    queryKey: insightsKeys.detail(instanceId, query),
    queryFn: (ctx) =>
      getJson(
        (init) => api.instances[':instanceId'].insights.$get({ param: { instanceId }, query }, { init }),
        hasObject<Insights>('histogram'),
        ctx.signal,
        afterFailure(ctx),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: query.range ? 30_000 : false,
    refetchIntervalInBackground: false,
  });

export interface TaskFlagBadge {
  kind: 'outlier' | 'stuck';
  text: string;
  title: string;
}

/** The badge each flagged task carries in the table, by task id. */
export const flagBadges = (insights: Insights | undefined): ReadonlyMap<string, TaskFlagBadge> => {
  const badges = new Map<string, TaskFlagBadge>();
  if (!insights) return badges;
  const medians = new Map(insights.durations.map((d) => [d.name, d.medianMs]));
  for (const o of insights.outliers) {
    const median = medians.get(o.name) ?? 0;
    badges.set(o.id, {
      kind: 'outlier',
      text: `${o.ratio.toFixed(1)}× median`,
      title: `${formatDuration(o.durationMs)}, against a median of ${formatDuration(median)} for ${o.name} in this window`,
    });
  }
  for (const s of insights.stuck) {
    badges.set(s.id, {
      kind: 'stuck',
      text: `running ${formatDuration(s.runningMs)} · usually ${formatDuration(medians.get(s.name) ?? s.p95Ms)}`,
      title: `Longer than 95% of finished ${s.name} runs in this window (p95 ${formatDuration(s.p95Ms)})`,
    });
  }
  return badges;
};
