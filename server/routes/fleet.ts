import { Hono, type TypedResponse } from 'hono';
import { LIST_PARAMS_MAX } from '../../shared/contract.ts';
import {
  type Coverage,
  type FleetHistogram,
  fleetHistogramQuerySchema,
  type FleetQuery,
  fleetExportQuerySchema,
  fleetQuerySchema,
  type FleetTask,
  type FleetTaskList,
} from '../../shared/fleet.ts';
import { asksFresh, type InstanceDirectory } from '../instances.ts';
import { exportStream } from '../tasks/export.ts';
import type { FleetMember, FleetReader } from '../tasks/fleet.ts';
import { queryWindow, resultBytes } from '../tasks/query.ts';
import { histogram } from '../tasks/stats.ts';
import { validate } from '../validate.ts';
import { type BytesMemo, cachedJson, jsonBytes } from './answer.ts';

export interface FleetRoutesOptions {
  directory: InstanceDirectory;
  fleet: FleetReader;
}

type Facets = FleetTaskList['facets'];
const counts = () => Object.create(null) as Record<string, number>;

/** The instance, project, region and engine facets: counted over the tasks the other filters match. */
const placeFacets = (matching: readonly FleetTask[]) => {
  const f = { instance: counts(), project: counts(), region: counts(), engine: counts() };
  for (const t of matching) {
    f.instance[t.instanceId] = (f.instance[t.instanceId] ?? 0) + 1;
    f.project[t.projectId] = (f.project[t.projectId] ?? 0) + 1;
    f.region[t.region] = (f.region[t.region] ?? 0) + 1;
    f.engine[t.engine] = (f.engine[t.engine] ?? 0) + 1;
  }
  return f;
};

const forList = (t: FleetTask): FleetTask =>
  t.params.length > LIST_PARAMS_MAX ? { ...t, params: t.params.slice(0, LIST_PARAMS_MAX), paramsTruncated: true } : t;

/**
 * `GET /api/tasks` and its export: the fleet view. The instance set is `instances=` or every
 * listed instance; each is read through the window store the single-instance view uses.
 */
export const fleetRoutes = ({ directory, fleet }: FleetRoutesOptions) => {
  type Listing = Awaited<ReturnType<InstanceDirectory['entries']>>;
  /**
   * Each target's last good instances. The fleet's own reads spend the budget the listings need
   * too: a listing the budget refuses must not empty the view, so a failed target shows its last
   * instances (and is still named among the failed targets).
   */
  const lastGood = new Map<string, Listing['entries']>();
  const targetKey = (t: { projectId: string; region: string }) => `${t.projectId}|${t.region}`;
  /** What each of the directory's answers came to here (it answers the same object until it lists again). */
  const listed = new WeakMap<Listing, Listing>();
  const listing = async (req: Request): Promise<Listing> => {
    const retry = asksFresh(req);
    let fresh: Listing;
    try {
      fresh = directory.settled(retry) ?? (await directory.entries(req.signal, retry));
    } catch (error) {
      if (lastGood.size === 0) throw error;
      return { entries: [...lastGood.values()].flat(), failures: [] };
    }
    const known = listed.get(fresh);
    if (known) return known;
    const byTarget = new Map<string, Listing['entries']>();
    for (const e of fresh.entries) {
      const k = targetKey(e.upstream);
      const es = byTarget.get(k);
      if (es) es.push(e);
      else byTarget.set(k, [e]);
    }
    for (const [k, es] of byTarget) lastGood.set(k, es);
    const stale = fresh.failures.flatMap((f) => lastGood.get(targetKey(f)) ?? []);
    const answer = { entries: [...fresh.entries, ...stale], failures: fresh.failures };
    listed.set(fresh, answer);
    return answer;
  };

  /** An instance set over one listing: its members, what it names that is not listed, and an id for answer keys. */
  interface FleetSet {
    id: number;
    members: FleetMember[];
    skipped: Coverage['skipped'];
    failedTargets: Coverage['failedTargets'];
  }
  let nextSet = 0;
  /** Per listing, the sets asked of it (a few: the URL names one; all instances is the default). */
  const setsOf = new WeakMap<Listing, Map<string, FleetSet>>();
  const setOf = ({ entries, failures }: Listing, wanted: readonly string[] | undefined): FleetSet => {
    const byId = new Map(entries.map((e) => [e.instance.id, e]));
    return {
      id: nextSet++,
      members: wanted ? wanted.flatMap((id) => byId.get(id) ?? []) : entries,
      skipped: (wanted ?? [])
        .filter((id) => !byId.has(id))
        .map((id) => ({
          instanceId: id,
          reason:
            failures.length > 0
              ? 'not listed: no healthy target has it (a target failed, it may be there)'
              : 'not listed by any configured project or region',
        })),
      failedTargets: failures.map((f) => ({ projectId: f.projectId, region: f.region, code: f.error.code })),
    };
  };
  const setFor = (list: Listing, wanted: readonly string[] | undefined): FleetSet => {
    let sets = setsOf.get(list);
    if (!sets) setsOf.set(list, (sets = new Map()));
    const k = wanted?.join(',') ?? '';
    let set = sets.get(k);
    if (!set) {
      set = setOf(list, wanted);
      if (sets.size >= 16) sets.delete(sets.keys().next().value!);
      sets.set(k, set);
    }
    return set;
  };

  /**
   * A fleet query's read: at once, when the listing is fresh, the set known and the read under way
   * (a warm request's path); what an answer needs of it is made only when its bytes are not kept.
   */
  const load = async (query: Omit<FleetQuery, 'page' | 'pageSize'>, req: Request) => {
    const set = setFor(await listing(req), query.instances);
    const snapshot = await fleet.read(set.members, query, () => req.signal);
    /** Answers over this read and set (their coverage names the set's skipped and failed targets). */
    const memo: BytesMemo = (k, make) => snapshot.memo(`${set.id}|${k}`, make, (body) => body.byteLength + 100);
    const answer = () => {
      const coverage: Coverage = {
        ...snapshot.coverage,
        total: snapshot.coverage.total + set.skipped.length,
        skipped: set.skipped,
        failedTargets: set.failedTargets,
      };
      const partial =
        coverage.pending.count > 0 ||
        coverage.failed.length > 0 ||
        coverage.skipped.length > 0 ||
        coverage.failedTargets.length > 0;
      const result = snapshot.tasksMemo(
        JSON.stringify([query.status, query.name, query.user, query.q, query.sort, query.order]),
        () => {
          // the union's search index is kept with it; the result is kept here, with the place facets
          const r = queryWindow(snapshot.tasks, { ...query, page: 1, pageSize: 1 }, (k, make, bytes) =>
            k === 'index' ? snapshot.tasksMemo(k, make, bytes) : make(),
          );
          const matching = r.matching as readonly FleetTask[];
          return { matching, facets: { ...r.facets, ...placeFacets(matching) } satisfies Facets };
        },
        resultBytes,
      );
      const from = snapshot.window.from ?? Date.now();
      const to = snapshot.window.to ?? Date.now();
      return {
        ...result,
        coverage,
        partial,
        window: { from: new Date(from).toISOString(), to: new Date(to - (to % 1000)).toISOString() },
        fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
      };
    };
    return { memo, answer };
  };

  return new Hono()
    .get('/', validate('query', fleetQuerySchema), async (c) => {
      const query = c.req.valid('query');
      const { memo, answer } = await load(query, c.req.raw);
      const start = (query.page - 1) * query.pageSize;
      // a pure function of the read's version, the set and the rest of the query: serialised once
      const { instances: _set, ...rest } = query;
      return cachedJson(
        c,
        memo,
        `body|${JSON.stringify(rest)}`,
        () => {
          const loaded = answer();
          return jsonBytes({
            tasks: loaded.matching.slice(start, start + query.pageSize).map(forList),
            total: loaded.matching.length,
            page: query.page,
            pageSize: query.pageSize,
            facets: loaded.facets,
            window: loaded.window,
            fetchedAt: loaded.fetchedAt,
            partial: loaded.partial,
            coverage: loaded.coverage,
          } satisfies FleetTaskList);
        },
        { 'cache-control': 'no-store' },
      ) as unknown as Response & TypedResponse<FleetTaskList, 200, 'json'>;
    })
    .get('/export', validate('query', fleetExportQuerySchema), async (c) => {
      const query = c.req.valid('query');
      const loaded = (await load(query, c.req.raw)).answer();
      const stamp = loaded.window.from.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const end = loaded.window.to.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const filename = `dms-fleet-tasks_${loaded.coverage.read}-of-${loaded.coverage.total}-instances_${stamp}-${end}${loaded.partial ? '_partial' : ''}.${query.format}`;
      return c.body(
        exportStream(loaded.matching, query.format, {
          instanceId: null,
          window: loaded.window,
          exportedAt: new Date().toISOString(),
          fleet: { partial: loaded.partial, coverage: loaded.coverage },
        }),
        200,
        {
          'Content-Type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="${filename}"`,
          'Cache-Control': 'no-store',
          'X-Fleet-Partial': String(loaded.partial),
          'X-Fleet-Coverage': `${loaded.coverage.read}/${loaded.coverage.total}`,
        },
      );
    })
    .get('/histogram', validate('query', fleetHistogramQuerySchema), async (c) => {
      const query = c.req.valid('query');
      // the histogram ignores the table's order: one sort serves every answer
      const { memo, answer } = await load({ ...query, sort: 'createdAt', order: 'desc' }, c.req.raw);
      return cachedJson(
        c,
        memo,
        `histogram|${JSON.stringify([query.status, query.name, query.user, query.q, query.tz])}`,
        () => {
          const loaded = answer();
          const { read, total } = loaded.coverage;
          const from = Date.parse(loaded.window.from);
          const to = Date.parse(loaded.window.to);
          return jsonBytes({
            window: loaded.window,
            fetchedAt: loaded.fetchedAt,
            histogram: { tz: query.tz, ...histogram(loaded.matching, from, Math.max(to, from + 1_000), query.tz) },
            partial: loaded.partial,
            coverage: { read, total, pending: loaded.coverage.pending.count },
          } satisfies FleetHistogram);
        },
        { 'cache-control': 'no-store' },
      ) as unknown as Response & TypedResponse<FleetHistogram, 200, 'json'>;
    });
};
