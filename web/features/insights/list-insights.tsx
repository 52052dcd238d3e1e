import './list-insights.css';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { parseAsStringLiteral, useQueryStates } from 'nuqs';
import { createContext, lazy, Suspense, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { TaskFlag, TaskStatus } from '../../../shared/contract.ts';
import type { Zone } from '../../lib/dates.ts';
import { onDemand, whenIdle } from '../../lib/on-demand.tsx';
import { useByContent, useStable } from '../../lib/use-stable.ts';
import { flagBadges, insightsOptions, insightsQuery, zoneTz, type TaskFlagBadge } from './api.ts';
import { DiffPick, useDiffKey } from './diff-pick.tsx';
import { useDiffPick } from './diff-state.ts';
import { FlagBadge } from './flag-badge.tsx';

// The figures, the diff and the timeline load on demand: the first view carries only this file.
const InsightsPanel = lazy(() => import('./insights-panel.tsx').then((m) => ({ default: m.InsightsPanel })));
type DiffModule = typeof import('./params-diff.tsx');
type TimelineModule = typeof import('./timeline.tsx');
let diff: DiffModule | undefined;
let timeline: TimelineModule | undefined;
const ParamsDiff = onDemand(() => import('./params-diff.tsx').then((m) => (diff = m).ParamsDiff));
const Timeline = onDemand(() => import('./timeline.tsx').then((m) => (timeline = m).Timeline));

/** The diff's and the timeline's chunks, fetched while the page is idle so a click waits for neither. */
const preloadViews = () => {
  void ParamsDiff.preload().catch(() => undefined);
  void Timeline.preload().catch(() => undefined);
};

/**
 * `start` with the chunk's module: at once when it is loaded (so a fetch starts before the click's
 * render, not after it), else once it is.
 */
const withChunk = <M,>(module: () => M | undefined, load: () => Promise<unknown>, start: (m: M) => unknown) => {
  const m = module();
  if (m) void start(m);
  else
    void load().then(
      () => start(module()!),
      () => undefined,
    );
};

/**
 * Starts reading (and parsing, in the diff's worker) a picked task, so the pair's diff waits only
 * for the task picked last. Reads no DMS: the window holds the task (server/routes/instances.ts).
 */
const prefetchDiffTask = (instanceId: string, taskId: string) =>
  withChunk(
    () => diff,
    ParamsDiff.preload,
    (m) => m.readTask(instanceId, taskId),
  );

/** Starts the timeline's answer (from the window the list read: no DMS call) before its view mounts. */
const prefetchTimeline = (client: QueryClient, instanceId: string, query: Record<string, string>) =>
  withChunk(
    () => timeline,
    Timeline.preload,
    (m) => client.prefetchQuery(m.timelineOptions(instanceId, query)),
  );

const insightsParsers = {
  view: parseAsStringLiteral(['table', 'timeline'] as const).withDefault('table'),
  lanes: parseAsStringLiteral(['name', 'user'] as const).withDefault('name'),
};

/** The insights' query, one object while its content is the same. */
const useInsightsQuery = (listQuery: Readonly<Record<string, string>>, zone: Zone) => {
  const tz = useMemo(() => zoneTz(zone), [zone]);
  const query = useByContent(listQuery);
  return useMemo(() => insightsQuery(query, tz), [query, tz]);
};

interface RowTask {
  id: string;
  name: string;
  createdAt: string;
}

const windowKeys = (q: Readonly<Record<string, string>>) => {
  const w: Record<string, string> = {};
  for (const k of ['range', 'from', 'to'] as const) if (q[k] !== undefined) w[k] = q[k];
  return w;
};

/**
 * The flag badges by task id, read by each row's badge: the insights arriving (or changing) redraw
 * the badges, not every row of the table.
 */
export const RowFlags = createContext<ReadonlyMap<string, TaskFlagBadge>>(new Map());

function RowFlag({ id }: { id: string }) {
  return <FlagBadge badge={useContext(RowFlags).get(id)} />;
}

/** The diff's pick as each row's controls read it: a pick redraws the checkboxes, not the rows (nor the list view). */
interface DiffControls {
  picked: readonly string[];
  toggle: (taskId: string) => void;
  intend: (taskId: string) => void;
  previous: (task: RowTask) => Promise<boolean>;
}
const DiffControlsContext = createContext<DiffControls | null>(null);

function RowDiffPick({ task }: { task: RowTask }) {
  const c = useContext(DiffControlsContext);
  if (!c) throw new Error('RowDiffPick needs RowInsights around the table');
  return (
    <DiffPick
      task={task}
      picked={c.picked.includes(task.id)}
      onToggle={() => c.toggle(task.id)}
      onIntent={() => c.intend(task.id)}
      onPrevious={() => c.previous(task)}
    />
  );
}

/**
 * Around the table: what its rows' badges and checkboxes read. The pick (`diff=` in the URL) is
 * read here, not by the view that renders the table, so a pick redraws only the checkboxes.
 */
export function RowInsights({ value, children }: { value: ReturnType<typeof useRowInsights>; children: ReactNode }) {
  const { instanceId, windowQuery } = value;
  const { ids, toggle: toggleOnly, compare } = useDiffPick();
  // a task about to be picked beside another (pointer over or down on its checkbox, focus) is read at once
  const intend = useStable((id: string) => {
    if (ids.length && !ids.includes(id)) prefetchDiffTask(instanceId, id);
  });
  const toggle = useStable((id: string) => {
    if (!ids.includes(id)) prefetchDiffTask(instanceId, id);
    toggleOnly(id);
  });
  useDiffKey(toggle);
  const previous = useCallback(
    async (task: RowTask) => {
      // its search lives in the diff's chunk, which the page fetched while idle
      const { findPreviousRun } = await ParamsDiff.preload().then(() => diff!);
      const prev = await findPreviousRun(instanceId, JSON.parse(windowQuery) as Record<string, string>, task);
      if (prev) {
        for (const id of [prev, task.id]) prefetchDiffTask(instanceId, id);
        compare(prev, task.id);
      }
      return prev !== undefined;
    },
    [instanceId, windowQuery, compare],
  );
  const controls = useMemo(() => ({ picked: ids, toggle, intend, previous }), [ids, toggle, intend, previous]);
  return (
    <RowFlags value={value.flags}>
      <DiffControlsContext value={controls}>{children}</DiffControlsContext>
    </RowFlags>
  );
}

const rowDiffPick = (task: RowTask): ReactNode => <RowDiffPick task={task} />;
const rowFlag = (task: RowTask): ReactNode => <RowFlag id={task.id} />;

/** What the table's rows carry from the insights: a flag badge, and the diff pick controls (with RowInsights around the table). */
export const useRowInsights = (
  instanceId: string,
  listQuery: Readonly<Record<string, string>>,
  zone: Zone,
  enabled = true,
) => {
  const query = useInsightsQuery(listQuery, zone);
  const { data } = useQuery({ ...insightsOptions(instanceId, query), enabled });
  const badges = useMemo(() => flagBadges(data), [data]);
  // the insights come with or after the list's rows: the first view is drawn by then
  const hasInsights = data !== undefined;
  useEffect(() => (hasInsights ? whenIdle(preloadViews) : undefined), [hasInsights]);
  const windowQuery = JSON.stringify(windowKeys(listQuery));
  return { badge: rowFlag, extras: rowDiffPick, flags: badges, instanceId, windowQuery };
};

export interface ListInsightsProps {
  instanceId: string;
  listQuery: Readonly<Record<string, string>>;
  zone: Zone;
  status: readonly TaskStatus[];
  flag: TaskFlag | null;
  /** The window on screen (ms): the timeline's axis, shared with the histogram. */
  window: { from: number; to: number };
  onRange: (from: string, to: string) => void;
  onToggleStatus: (status: TaskStatus) => void;
  onFlag: (flag: TaskFlag | null) => void;
}

function DiffHint() {
  const { ids } = useDiffPick();
  return (
    ids.length === 1 && (
      <span className="muted" role="status">
        One task picked: pick another (checkbox or <kbd>d</kbd>) to compare their params.
      </span>
    )
  );
}

/** The params diff once a pair is picked; it alone (with the hint and the checkboxes) redraws at a pick. */
function DiffSection({ instanceId, zone }: { instanceId: string; zone: Zone }) {
  const { pair, ids, close } = useDiffPick();
  // one task picked (by a click, or a link): the diff will need its chunk and this task
  const onlyPicked = ids.length === 1 ? ids[0] : undefined;
  useEffect(() => {
    if (onlyPicked) prefetchDiffTask(instanceId, onlyPicked);
  }, [instanceId, onlyPicked]);
  return (
    pair && (
      <ParamsDiff.Component
        fallback={<p className="muted">Loading the diff…</p>}
        instanceId={instanceId}
        ids={pair}
        zone={zone}
        onClose={close}
      />
    )
  );
}

/** Above the table: the histogram and flags, the params diff when a pair is chosen, the timeline view. */
export function ListInsights(props: ListInsightsProps) {
  const { instanceId, listQuery, zone } = props;
  const [{ view, lanes }, setView] = useQueryStates(insightsParsers, { history: 'push' });
  const query = useInsightsQuery(listQuery, zone);
  const client = useQueryClient();
  const toTimeline = () => prefetchTimeline(client, instanceId, query);
  const onRange = useStable(props.onRange);
  const onToggleStatus = useStable(props.onToggleStatus);
  const onFlag = useStable(props.onFlag);
  const statusKey = props.status.join();
  const status = useMemo(() => (statusKey ? (statusKey.split(',') as TaskStatus[]) : []), [statusKey]);
  // the histogram and the timeline read one window and write one range
  const shared = { instanceId, query, zone, onRange };
  return (
    <>
      <Suspense fallback={<div className="insights insights--loading" aria-hidden="true" />}>
        <InsightsPanel {...shared} status={status} flag={props.flag} onToggleStatus={onToggleStatus} onFlag={onFlag} />
      </Suspense>
      <div className="view-switch" role="group" aria-label="View">
        <button
          type="button"
          className="facet"
          aria-pressed={view === 'table'}
          onClick={() => void setView({ view: null })}
        >
          Table only
        </button>
        <button
          type="button"
          className="facet"
          aria-pressed={view === 'timeline'}
          onPointerEnter={toTimeline}
          onFocus={toTimeline}
          onClick={() => {
            toTimeline();
            void setView({ view: 'timeline' });
          }}
        >
          Timeline
        </button>
        <DiffHint />
      </div>
      <DiffSection instanceId={instanceId} zone={zone} />
      {view === 'timeline' && (
        <Timeline.Component
          fallback={<div className="insights insights--loading" aria-hidden="true" />}
          {...shared}
          laneBy={lanes}
          onLaneBy={(by) => void setView({ lanes: by === 'name' ? null : by })}
          window={props.window}
        />
      )}
    </>
  );
}
