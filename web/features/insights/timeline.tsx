import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { Timeline as TimelineData, TimelineTask } from '../../../shared/insights.ts';
import { useNow } from '../../components/use-now.ts';
import { api, getJson, hasArray } from '../../lib/api.ts';
import { context, formatExact, type Zone } from '../../lib/dates.ts';
import { navigate, taskPath } from '../../lib/router.ts';
import { STACK } from './histogram.tsx';
import './insights.css';
import { useWidth } from './use-width.ts';

export type LaneBy = 'name' | 'user';

const LABEL_W = 170;
const ROW_H = 7;
const LANE_PAD = 6;
/** Overlapping bars in a lane stack into at most this many rows; beyond it they overlap. */
const MAX_ROWS = 8;
const AXIS_H = 20;

export const timelineOptions = (instanceId: string, query: Record<string, string>) => ({
  queryKey: ['insights', 'timeline', instanceId, query] as const,
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    getJson(
      (init) => api.instances[':instanceId'].timeline.$get({ param: { instanceId }, query }, { init }),
      hasArray<TimelineData>('tasks'),
      signal,
    ),
  refetchInterval: query.range ? 30_000 : (false as const),
});

export interface Lane {
  key: string;
  tasks: { task: TimelineTask; row: number }[];
  rows: number;
  y: number;
  height: number;
}

/** Lanes by name or user, each packing its (start-ordered) bars greedily into rows. */
export const layoutLanes = (tasks: readonly TimelineTask[], by: LaneBy, now: number): Lane[] => {
  const groups = new Map<string, TimelineTask[]>();
  for (const t of tasks) {
    const key = by === 'name' ? t.name : t.user;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  let y = AXIS_H;
  return [...groups.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, list]) => {
      const rowEnds: number[] = [];
      const placed = list.map((task) => {
        let row = rowEnds.findIndex((end) => end <= task.start);
        if (row === -1) row = rowEnds.length < MAX_ROWS ? rowEnds.length : MAX_ROWS - 1;
        rowEnds[row] = Math.max(rowEnds[row] ?? 0, task.end ?? now);
        return { task, row };
      });
      const rows = Math.max(1, rowEnds.length);
      const lane = { key, tasks: placed, rows, y, height: rows * ROW_H + LANE_PAD * 2 };
      y += lane.height;
      return lane;
    });
};

/** Where the keyboard's bar is: a lane and a bar in it, by key and id so a refresh keeps it. */
export interface TimelineCursor {
  lane: string;
  id: string;
}

/** Each lane's bars in start order: the order ←/→ walk. */
const barsInOrder = (lane: Lane) => [...lane.tasks].sort((a, b) => a.task.start - b.task.start);

/**
 * The bar a key moves to: ←/→ the previous/next bar of the lane, Home/End its first/last, ↑/↓ the
 * bar of the lane above/below that starts nearest to this one. Undefined for other keys.
 */
export const moveCursor = (
  lanes: readonly Lane[],
  at: TimelineCursor | null,
  key: string,
): TimelineCursor | undefined => {
  const first = lanes[0] && barsInOrder(lanes[0])[0];
  if (!first) return undefined;
  const laneIndex = at ? lanes.findIndex((l) => l.key === at.lane) : -1;
  const lane = lanes[laneIndex];
  const bars = lane ? barsInOrder(lane) : [];
  const index = bars.findIndex((b) => b.task.id === at?.id);
  if (!lane || index === -1) return { lane: lanes[0]!.key, id: first.task.id };
  const to = (l: Lane, i: number) => {
    const b = barsInOrder(l);
    return { lane: l.key, id: b[Math.min(b.length - 1, Math.max(0, i))]!.task.id };
  };
  switch (key) {
    case 'ArrowRight':
      return to(lane, index + 1);
    case 'ArrowLeft':
      return to(lane, index - 1);
    case 'Home':
      return to(lane, 0);
    case 'End':
      return to(lane, bars.length - 1);
    case 'ArrowUp':
    case 'ArrowDown': {
      const next = lanes[Math.min(lanes.length - 1, Math.max(0, laneIndex + (key === 'ArrowDown' ? 1 : -1)))]!;
      const start = bars[index]!.task.start;
      const nearest = barsInOrder(next).reduce(
        (best, b, i, all) => (Math.abs(b.task.start - start) < Math.abs(all[best]!.task.start - start) ? i : best),
        0,
      );
      return to(next, nearest);
    }
    default:
      return undefined;
  }
};

const cssColor = (el: Element, status: string) => {
  const probe = document.createElement('span');
  probe.className = `status--${status.toLowerCase()}`;
  el.appendChild(probe);
  const c = getComputedStyle(probe).getPropertyValue('--status-color').trim();
  probe.remove();
  return c || '#888';
};

export interface TimelineProps {
  instanceId: string;
  /** The list's filters and window (sort and page are ignored by the route). */
  query: Record<string, string>;
  zone: Zone;
  laneBy: LaneBy;
  onLaneBy: (by: LaneBy) => void;
  /** The window shown: from the URL's range, shared with the histogram. */
  window: { from: number; to: number };
  onRange: (from: string, to: string) => void;
}

/** "Timeline": a Gantt of the window's tasks on a canvas, lanes by name or user, zoom and pan. */
export function Timeline({ instanceId, query, zone, laneBy, onLaneBy, window: win, onRange }: TimelineProps) {
  const { data, error, isPending } = useQuery(timelineOptions(instanceId, query));
  const now = useNow();
  const titleId = useId();
  const keysId = useId();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [wrapRef, width] = useWidth(900, 320, 'timeline');
  // While dragging, the shown span moves locally; the URL changes once, on release.
  const [view, setView] = useState(win);
  const drag = useRef<{ x: number; view: typeof win; moved: boolean } | null>(null);
  const [shown, setShown] = useState(win);
  if (shown.from !== win.from || shown.to !== win.to) {
    setShown(win);
    setView(win);
  }

  const lanes = useMemo(() => (data ? layoutLanes(data.tasks, laneBy, now) : []), [data, laneBy, now]);
  const height = (lanes.at(-1) ? lanes.at(-1)!.y + lanes.at(-1)!.height : AXIS_H) + 4;
  const plotW = width - LABEL_W;
  const xOf = useCallback((ms: number) => LABEL_W + ((ms - view.from) / (view.to - view.from)) * plotW, [view, plotW]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !data) return;
    const started = performance.now();
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const styles = getComputedStyle(canvas);
    const text = styles.color;
    const border = styles.getPropertyValue('--border').trim() || '#ccc';
    const colors = Object.fromEntries(STACK.map((s) => [s, cssColor(canvas.parentElement!, s)]));
    g.font = '12px system-ui, sans-serif';
    // axis: about one tick per 110 px
    const span = view.to - view.from;
    const ticks = Math.max(2, Math.floor(plotW / 110));
    g.fillStyle = text;
    g.strokeStyle = border;
    for (let i = 0; i <= ticks; i++) {
      const ms = view.from + (span * i) / ticks;
      const x = xOf(ms);
      g.beginPath();
      g.moveTo(x + 0.5, AXIS_H - 4);
      g.lineTo(x + 0.5, height);
      g.stroke();
      const label = format(
        ms,
        span > 3 * 86_400_000 ? 'd MMM' : span > 86_400_000 ? 'd MMM HH:mm' : 'HH:mm',
        context(zone),
      );
      if (x < width - 40) g.fillText(label, x + 3, 13);
    }
    g.save();
    g.beginPath();
    g.rect(LABEL_W, 0, plotW, height);
    g.clip();
    for (const lane of lanes) {
      for (const { task, row } of lane.tasks) {
        const x0 = Math.max(LABEL_W - 2, xOf(task.start));
        const x1 = Math.min(width + 2, xOf(task.end ?? now));
        if (x1 < LABEL_W || x0 > width) continue;
        g.fillStyle = colors[task.status] ?? '#888';
        g.fillRect(x0, lane.y + LANE_PAD + row * ROW_H, Math.max(2, x1 - x0), ROW_H - 2);
      }
    }
    g.restore();
    g.fillStyle = text;
    for (const lane of lanes) {
      g.strokeStyle = border;
      g.beginPath();
      g.moveTo(0, lane.y + 0.5);
      g.lineTo(width, lane.y + 0.5);
      g.stroke();
      const label = lane.key.length > 24 ? `${lane.key.slice(0, 23)}…` : lane.key;
      g.fillText(label, 4, lane.y + lane.height / 2 + 4);
    }
    // read by the e2e suite and the bench: how long one full draw took
    canvas.dataset.drawMs = (performance.now() - started).toFixed(1);
  }, [data, lanes, width, height, view, zone, now, xOf, plotW]);

  const hit = (e: PointerEvent<HTMLCanvasElement>): TimelineTask | undefined => {
    const r = e.currentTarget.getBoundingClientRect();
    const [x, y] = [e.clientX - r.left, e.clientY - r.top];
    const lane = lanes.find((l) => y >= l.y && y < l.y + l.height);
    if (!lane || x < LABEL_W) return undefined;
    const row = Math.floor((y - lane.y - LANE_PAD) / ROW_H);
    // the last bar drawn wins, as it is on top
    for (let i = lane.tasks.length - 1; i >= 0; i--) {
      const { task, row: r2 } = lane.tasks[i]!;
      if (r2 !== row) continue;
      const x0 = xOf(task.start);
      const x1 = Math.max(x0 + 2, xOf(task.end ?? now));
      if (x >= x0 - 1 && x <= x1 + 1) return task;
    }
    return undefined;
  };
  const [hover, setHover] = useState<TimelineTask | undefined>();

  // The keyboard's bar: one button over it, so focus, its name and Enter are the browser's own.
  const [cursor, setCursor] = useState<TimelineCursor | null>(null);
  const cursorRef = useRef<HTMLButtonElement>(null);
  const [cursorFocused, setCursorFocused] = useState(false);
  const at = useMemo(() => {
    const valid = cursor && lanes.some((l) => l.key === cursor.lane && l.tasks.some((t) => t.task.id === cursor.id));
    // no bar chosen yet, or it left the data: the first bar of the first lane
    const c = valid ? cursor : moveCursor(lanes, null, '');
    if (!c) return undefined;
    const laneIndex = lanes.findIndex((l) => l.key === c.lane);
    const lane = lanes[laneIndex]!;
    const bars = barsInOrder(lane);
    const index = bars.findIndex((b) => b.task.id === c.id);
    return { lane, laneIndex, bars, index, placed: bars[index]! };
  }, [lanes, cursor]);
  const cursorBox = ({ lane, placed }: { lane: Lane; placed: Lane['tasks'][number] }) => {
    const x0 = Math.min(width - 8, Math.max(LABEL_W, xOf(placed.task.start)));
    const x1 = Math.min(width, Math.max(x0 + 8, xOf(placed.task.end ?? now)));
    return { left: x0 - 2, top: lane.y + LANE_PAD + placed.row * ROW_H - 2, width: x1 - x0 + 4, height: ROW_H + 2 };
  };
  const describe = (task: TimelineTask) =>
    `${task.name} · ${task.status} · ${task.user} · ${formatExact(task.start, zone)} – ${task.end === null ? 'running' : formatExact(task.end, zone)}`;
  useEffect(() => {
    if (cursorFocused) cursorRef.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [cursor, cursorFocused]);

  const commit = (v: { from: number; to: number }) =>
    onRange(new Date(Math.round(v.from)).toISOString(), new Date(Math.round(v.to)).toISOString());
  const zoom = (factor: number, centre = (view.from + view.to) / 2) => {
    const from = centre - (centre - view.from) * factor;
    const to = centre + (view.to - centre) * factor;
    if (to - from >= 60_000) commit({ from, to });
  };
  const pan = (fraction: number) => {
    const d = (view.to - view.from) * fraction;
    commit({ from: view.from + d, to: view.to + d });
  };

  return (
    <figure className="timeline" aria-labelledby={titleId}>
      <figcaption className="histogram__head">
        <span id={titleId} className="histogram__title">
          Timeline
        </span>
        <span className="muted">{data ? `${data.tasks.length.toLocaleString('en')} tasks` : ''}</span>
        <span className="legend" role="group" aria-label="Lanes">
          {(['name', 'user'] as const).map((by) => (
            <button
              key={by}
              type="button"
              className="legend__item"
              aria-pressed={laneBy === by}
              onClick={() => onLaneBy(by)}
            >
              Lane per {by}
            </button>
          ))}
        </span>
        <span className="legend" role="group" aria-label="Zoom and pan">
          <button type="button" className="legend__item" onClick={() => pan(-0.5)}>
            ← Earlier
          </button>
          <button type="button" className="legend__item" onClick={() => zoom(0.5)}>
            Zoom in
          </button>
          <button type="button" className="legend__item" onClick={() => zoom(2)}>
            Zoom out
          </button>
          <button type="button" className="legend__item" onClick={() => pan(0.5)}>
            Later →
          </button>
        </span>
      </figcaption>
      {error && <p className="muted">The timeline could not be loaded: {error.message}</p>}
      {isPending && <div className="insights--loading" aria-hidden="true" />}
      <div ref={wrapRef} className="timeline__plot">
        {data && (
          <canvas
            ref={canvasRef}
            style={{ width, height }}
            role="img"
            aria-label={`${data.tasks.length} tasks in ${lanes.length} lanes by ${laneBy}, from ${formatExact(view.from, zone)} to ${formatExact(view.to, zone)}. The table view lists them.`}
            className={hover ? 'is-over-bar' : undefined}
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture?.(e.pointerId);
              drag.current = { x: e.clientX, view, moved: false };
            }}
            onPointerMove={(e) => {
              const d = drag.current;
              if (!d) return setHover(hit(e));
              const dx = e.clientX - d.x;
              if (Math.abs(dx) > 3) d.moved = true;
              const shift = (-dx / plotW) * (d.view.to - d.view.from);
              setView({ from: d.view.from + shift, to: d.view.to + shift });
            }}
            onPointerUp={(e) => {
              const d = drag.current;
              drag.current = null;
              if (d?.moved) return commit(view);
              const task = hit(e);
              if (task) navigate(taskPath(instanceId, task.id) + location.search);
            }}
            onWheel={(e) => {
              if (!e.ctrlKey && !e.shiftKey) return;
              const r = e.currentTarget.getBoundingClientRect();
              const centre = view.from + ((e.clientX - r.left - LABEL_W) / plotW) * (view.to - view.from);
              zoom(e.deltaY > 0 ? 1.5 : 1 / 1.5, centre);
            }}
          />
        )}
        {data && at && (
          <button
            ref={cursorRef}
            type="button"
            className="timeline__cursor"
            style={cursorBox(at)}
            aria-label={`${describe(at.placed.task)}. Bar ${at.index + 1} of ${at.bars.length} in lane ${at.lane.key}, lane ${at.laneIndex + 1} of ${lanes.length}`}
            aria-describedby={keysId}
            onFocus={() => setCursorFocused(true)}
            onBlur={() => setCursorFocused(false)}
            onKeyDown={(e) => {
              const next = moveCursor(lanes, { lane: at.lane.key, id: at.placed.task.id }, e.key);
              if (!next) return;
              e.preventDefault();
              setCursor(next);
            }}
            onClick={() => navigate(taskPath(instanceId, at.placed.task.id) + location.search)}
          />
        )}
      </div>
      <p id={keysId} className="visually-hidden">
        Arrow keys move between bars (left, right) and lanes (up, down), Home and End go to a lane&apos;s first and last
        bar, Enter opens the task.
      </p>
      <p className="histogram__tip" aria-live="polite">
        {hover
          ? `${describe(hover)} (click to open)`
          : cursorFocused && at
            ? `${describe(at.placed.task)} (Enter opens it)`
            : 'Drag to pan, Ctrl + wheel to zoom, click a bar to open its task; Tab to the bars for the keyboard.'}
      </p>
    </figure>
  );
}
