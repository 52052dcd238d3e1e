import { useQuery } from '@tanstack/react-query';
import { parseAsArrayOf, parseAsString, parseAsStringLiteral, useQueryState } from 'nuqs';
import { useMemo, useState } from 'react';
import {
  ENGINE_LABELS,
  type Engine,
  DEFAULT_SORT,
  type FleetSortKey,
  PLACE_SORT_KEYS,
  SORT_KEYS,
  INSTANCE_ID_PATTERN,
  type TaskStatus,
} from '../../../shared/contract.ts';
import type { FleetTask } from '../../../shared/fleet.ts';
import type { Instance } from '../../../shared/instance.ts';
import type { Task } from '../../../shared/task.ts';
import { ErrorPanel } from '../../components/error-panel.tsx';
import { Link } from '../../components/link.tsx';
import type { Zone } from '../../lib/dates.ts';
import { useRetryFailed } from '../../lib/retry.ts';
import { listPath, taskPath } from '../../lib/router.ts';
import { useDocumentTitle } from '../../lib/title.ts';
import { useZone } from '../../lib/zone.ts';
import { zoneTz } from '../insights/api.ts';
import { Histogram } from '../insights/histogram.tsx';
import '../insights/insights.css';
import { instanceListOptions } from '../instances/api.ts';
import { DebouncedInput } from '../tasks/debounced-input.tsx';
import { ExportButtons } from '../tasks/export-buttons.tsx';
import { Facets, NameFacets, StatusFacets } from '../tasks/facets.tsx';
import { Pagination } from '../tasks/pagination.tsx';
import { RangePicker, windowOf } from '../tasks/range-picker.tsx';
import { column, TaskTable, type TaskColumn } from '../tasks/task-table.tsx';
import { type SearchParsers, taskSearchParsers, useTaskSearch } from '../tasks/url-state.ts';
import { fleetExportHref, fleetHistogramOptions, fleetListOptions, type FleetApiQuery } from './api.ts';
import { CoverageLine } from './coverage-line.tsx';
import './fleet.css';

/** `instances=id1,id2`: the chosen set; absent, every instance. Ids that are not UUIDs are dropped. */
const instancesParser = parseAsArrayOf(parseAsString, ',').withOptions({ history: 'push' });

type Place = 'engine' | 'region' | 'projectId' | 'status';
const PLACE_LABEL: Record<Place, string> = {
  engine: 'Engine',
  region: 'Region',
  projectId: 'Project',
  status: 'Instance status',
};
const placeValue = (i: Instance, p: Place) => (p === 'engine' ? i.engine : i[p]);
const engineLabel = (e: string) => ENGINE_LABELS[e as Engine] ?? e;

/** The set: a multi-select with search, and shortcuts by engine, region, project and instance status. */
function InstanceSetPicker({
  instances,
  chosen,
  onChange,
}: {
  instances: readonly Instance[];
  chosen: ReadonlySet<string> | null;
  onChange: (ids: string[] | null) => void;
}) {
  const [filter, setFilter] = useState('');
  const shown = instances.filter((i) =>
    `${i.name} ${i.id} ${i.region} ${i.engine} ${i.status}`.toLowerCase().includes(filter.toLowerCase()),
  );
  const isChosen = (id: string) => !chosen || chosen.has(id);
  const toggle = (id: string) => {
    const next = new Set(chosen ?? instances.map((i) => i.id));
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(next.size === instances.length ? null : [...next]);
  };
  const by = (p: Place) => [...new Set(instances.map((i) => placeValue(i, p)))].sort();
  const count = chosen ? instances.filter((i) => chosen.has(i.id)).length : instances.length;
  return (
    <details className="fleet-picker">
      <summary>
        Instances: {chosen ? `${count.toLocaleString('en')} of ${instances.length.toLocaleString('en')}` : 'all'}
      </summary>
      <div className="fleet-picker__body">
        <div className="fleet-picker__shortcuts">
          <button type="button" className="button" onClick={() => onChange(null)} aria-pressed={!chosen}>
            All instances
          </button>
          {(['engine', 'region', 'projectId', 'status'] as const).map((p) => (
            <div key={p} className="button-group" role="group" aria-label={`Only one ${PLACE_LABEL[p].toLowerCase()}`}>
              <span className="facets__label">{PLACE_LABEL[p]}</span>
              {by(p).map((v) => (
                <button
                  key={v}
                  type="button"
                  className="button"
                  onClick={() => onChange(instances.filter((i) => placeValue(i, p) === v).map((i) => i.id))}
                >
                  {p === 'engine' ? engineLabel(v) : p === 'projectId' ? v.slice(0, 8) : v}
                </button>
              ))}
            </div>
          ))}
        </div>
        <label className="field">
          <span>Find instances</span>
          <input
            className="input"
            type="search"
            value={filter}
            placeholder="Name, id, region, engine or status"
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <ul className="fleet-picker__list" aria-label="Instances in the set">
          {shown.slice(0, 300).map((i) => (
            <li key={i.id}>
              <label>
                <input type="checkbox" checked={isChosen(i.id)} onChange={() => toggle(i.id)} />
                {i.name}{' '}
                <span className="muted">
                  {engineLabel(i.engine)} · {i.region} · {i.status}
                </span>
              </label>
            </li>
          ))}
          {shown.length > 300 && <li className="muted">…and {shown.length - 300} more: narrow the search</li>}
        </ul>
      </div>
    </details>
  );
}

const fleetParsers: SearchParsers<FleetSortKey> = {
  ...taskSearchParsers,
  sort: parseAsStringLiteral<FleetSortKey>([...SORT_KEYS, ...PLACE_SORT_KEYS]).withDefault(DEFAULT_SORT),
};
const NO_CHANGES: ReadonlySet<string> = new Set();
const fleetTask = (t: Task) => t as FleetTask;

/** The single-instance table's columns, and after the name where each task ran. */
const PLACE_COLUMNS: TaskColumn[] = [
  column.accessor((t) => fleetTask(t).instanceName, {
    id: 'instanceName',
    header: 'Instance',
    cell: (c) => {
      const t = fleetTask(c.row.original);
      return (
        <Link href={listPath(t.instanceId)} title={`${t.region} · project ${t.projectId}`}>
          {t.instanceName}
        </Link>
      );
    },
  }),
  column.accessor((t) => fleetTask(t).engine, {
    id: 'engine',
    header: 'Engine',
    cell: (c) => engineLabel(c.getValue()),
  }),
  column.accessor((t) => fleetTask(t).region, { id: 'region', header: 'Region' }),
  column.accessor((t) => fleetTask(t).projectId, {
    id: 'projectId',
    header: 'Project',
    // a project id is 32 hex digits: its start tells the projects apart, the whole is in the title
    cell: (c) => (
      <span className="project-id" title={c.getValue()}>
        {c.getValue().slice(0, 8)}…
      </span>
    ),
  }),
];

/** The single-instance view's histogram over the union read so far; its brush and legend set the same URL. */
function FleetHistogram({
  query,
  zone,
  status,
  onRange,
  onToggleStatus,
}: {
  query: FleetApiQuery;
  zone: Zone;
  status: readonly TaskStatus[];
  onRange: (from: string, to: string) => void;
  onToggleStatus: (status: TaskStatus) => void;
}) {
  const { data, error } = useQuery(fleetHistogramOptions(query));
  if (error) return null; // the list says what failed; the histogram is extra
  if (!data) return <div className="insights insights--loading" aria-hidden="true" />;
  return (
    <section className="insights" aria-label="Insights">
      <Histogram
        histogram={data.histogram}
        zone={zone}
        selected={status}
        onRange={onRange}
        onToggleStatus={onToggleStatus}
      />
    </section>
  );
}

/** `/tasks`: every instance's tasks in one table, read as the call budget allows. */
export function FleetView() {
  const { search, update, range, apiQuery } = useTaskSearch(fleetParsers);
  const [zone, setZone] = useZone();
  const [rawSet, setSet] = useQueryState('instances', instancesParser);
  const retry = useRetryFailed();
  const instances = useQuery(instanceListOptions());
  const all = instances.data?.instances ?? [];
  // the set as one sorted string: its identity does not change with each render
  const setKey =
    rawSet
      ?.filter((id) => INSTANCE_ID_PATTERN.test(id))
      .sort()
      .join(',') ?? '';
  const chosen = useMemo(() => (setKey ? new Set(setKey.split(',')) : null), [setKey]);

  // the single-instance list's query, less the per-instance outlier flag the fleet does not take
  const { flag: _flag, ...listQuery } = apiQuery;
  const query: FleetApiQuery = setKey ? { ...listQuery, instances: setKey } : listQuery;
  const { sort: _sort, order: _order, page: _page, pageSize: _pageSize, ...filters } = query;
  const histogramQuery: FleetApiQuery = { ...filters, tz: zoneTz(zone) };
  const list = useQuery(fleetListOptions(query));
  const data = list.data;
  const window = windowOf(range, data?.window);
  useDocumentTitle('All instances', search.q || 'all tasks');

  const choose = (ids: string[] | null) => {
    void setSet(ids && ids.length ? ids : null);
    void update({ page: null });
  };
  /** A place facet narrows the set to the instances there (within the set); chosen again, it widens back. */
  const narrowTo = (p: Place, value: string) => {
    const within = all.filter((i) => (!chosen || chosen.has(i.id)) && placeValue(i, p) === value).map((i) => i.id);
    const everyChosenIsThere = chosen !== null && within.length === chosen.size;
    choose(everyChosenIsThere ? null : within);
  };
  const selectedPlaces = (p: Place) => {
    if (!chosen) return [];
    const values = new Set(all.filter((i) => chosen.has(i.id)).map((i) => placeValue(i, p)));
    return values.size === 1 ? [...values] : [];
  };
  const nameOf = new Map(all.map((i) => [i.id, i.name]));
  const toggle = <T extends string>(selected: readonly T[], v: T) =>
    selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v];

  return (
    <section className="task-list fleet-view" aria-labelledby="fleet-title">
      <h1 id="fleet-title">All instances</h1>
      <InstanceSetPicker instances={all} chosen={chosen} onChange={choose} />
      {data && <CoverageLine coverage={data.coverage} partial={data.partial} />}
      {!data && list.isPending && (
        <p className="muted" aria-busy="true">
          Reading the instances' windows…
        </p>
      )}
      <RangePicker
        range={range}
        window={window}
        zone={zone}
        onChange={(p) => void update(p)}
        onZoneChange={(z) => void setZone(z)}
      />
      <div className="filters">
        <label className="field field--search">
          <span>Search</span>
          <DebouncedInput
            id="fleet-search"
            type="search"
            className="input"
            placeholder="Task id, name, user or params"
            value={search.q}
            onCommit={(q: string) => void update({ q: q || null }, { history: 'replace' })}
          />
        </label>
        <label className="field">
          <span>User</span>
          <DebouncedInput
            className="input"
            value={search.user}
            onCommit={(user: string) => void update({ user: user || null }, { history: 'replace' })}
            placeholder="Any user"
          />
        </label>
        <ExportButtons href={(format) => fleetExportHref(query, format)} count={data?.total} />
      </div>
      <StatusFacets
        counts={data?.facets.status}
        failed={list.isError}
        selected={search.status}
        onToggle={(s) => void update({ status: toggle(search.status, s) })}
      />
      <NameFacets
        counts={data?.facets.name}
        failed={list.isError}
        selected={search.name}
        onToggle={(n) => void update({ name: toggle(search.name, n) })}
      />
      {(['engine', 'region', 'projectId'] as const).map((p) => {
        const counts = data?.facets[p === 'projectId' ? 'project' : p];
        return (
          <Facets
            key={p}
            label={`Filter by ${PLACE_LABEL[p].toLowerCase()}`}
            caption={PLACE_LABEL[p]}
            values={Object.keys(counts ?? {}).sort()}
            counts={counts}
            selected={selectedPlaces(p)}
            onToggle={(v) => narrowTo(p, v)}
          />
        );
      })}
      {data && Object.keys(data.facets.instance).length > 0 && (
        <Facets
          label="Filter by instance"
          caption="Instance"
          className="facets--instances"
          values={Object.entries(data.facets.instance)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 20)
            .map(([id]) => nameOf.get(id) ?? id)}
          counts={Object.fromEntries(Object.entries(data.facets.instance).map(([id, n]) => [nameOf.get(id) ?? id, n]))}
          selected={chosen && chosen.size === 1 ? [nameOf.get([...chosen][0]!) ?? ''] : []}
          onToggle={(name) => {
            const id = all.find((i) => i.name === name)?.id;
            if (id) choose(chosen?.size === 1 && chosen.has(id) ? null : [id]);
          }}
        />
      )}
      <FleetHistogram
        query={histogramQuery}
        zone={zone}
        status={search.status}
        onRange={(from, to) => void update({ range: null, from, to })}
        onToggleStatus={(s) => void update({ status: toggle(search.status, s) })}
      />
      {list.error && <ErrorPanel error={list.error} onRetry={() => void retry()} />}
      <div className="table-wrap">
        <TaskTable
          instanceId=""
          instanceOf={(t) => fleetTask(t).instanceId}
          instanceName="all instances"
          rows={data?.tasks ?? []}
          extraColumns={PLACE_COLUMNS}
          sort={search.sort}
          order={search.order}
          open={search.open}
          zone={zone}
          stale={list.isPlaceholderData}
          changed={NO_CHANGES}
          onSort={(sort, order) => void update({ sort, order })}
          onOpen={(ids) => void update({ open: ids.length ? ids : null }, { history: 'replace' })}
          taskHref={(taskId, t) => taskPath(fleetTask(t).instanceId, taskId)}
        />
        {data && data.tasks.length === 0 && (
          <p className="empty-state">
            No tasks {data.partial ? 'so far ' : ''}in the {data.coverage.read.toLocaleString('en')} instances read.
          </p>
        )}
      </div>
      {data && (
        <Pagination
          page={search.page}
          pageSize={search.pageSize}
          total={data.total}
          onPage={(page, pageSize) => void update({ page, pageSize })}
        />
      )}
    </section>
  );
}
