import { format } from 'date-fns';
import { memo, useEffect, useId, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Insights } from '../../../shared/insights.ts';
import type { TaskStatus } from '../../../shared/contract.ts';
import { context, formatShort, type Zone } from '../../lib/dates.ts';
import { whenIdle } from '../../lib/on-demand.tsx';
import { useWidth } from './use-width.ts';

/** Stacking order, bottom up: what went wrong sits on the baseline where it is easiest to see. */
export const STACK: readonly TaskStatus[] = ['FAILED', 'CANCELLED', 'DELETED', 'SUCCESS', 'EXECUTING', 'CREATED'];

type Bucket = Insights['histogram']['buckets'][number];

const HEIGHT = 120;
const AXIS = 18;
const MIN_BRUSH_PX = 4;

const totalOf = (b: Bucket) => Object.values(b.counts).reduce((a, c) => a + c, 0);

export const describeBucket = (b: Bucket, zone: Zone): string => {
  const parts = STACK.filter((s) => b.counts[s]).map((s) => `${b.counts[s]} ${s}`);
  return `${formatShort(b.start, zone)} – ${formatShort(b.end, zone)}: ${parts.length ? parts.join(', ') : 'no tasks'}`;
};

/** Ticks at bucket starts, about every 100 px, labelled by what changes at that scale. */
const tickLabel = (ms: number, stepMs: number, zone: Zone) =>
  format(ms, stepMs >= 86_400_000 ? 'd MMM' : stepMs >= 3_600_000 ? 'd MMM HH:mm' : 'HH:mm', context(zone));

const NO_BUCKETS: readonly Bucket[] = [];

export interface HistogramProps {
  histogram: Insights['histogram'];
  zone: Zone;
  selected: readonly TaskStatus[];
  /** A brushed span, or a bucket zoomed into with Enter: the new absolute range. */
  onRange: (from: string, to: string) => void;
  onToggleStatus: (status: TaskStatus) => void;
}

/** "Tasks over time": stacked bars per bucket, a brush, a status legend, keyboard and a hidden table. */
export const Histogram = memo(function Histogram({
  histogram,
  zone,
  selected,
  onRange,
  onToggleStatus,
}: HistogramProps) {
  const { buckets } = histogram;
  const [wrapRef, width] = useWidth(800, 200, 'histogram');
  const [active, setActive] = useState<number | null>(null);
  const [brush, setBrush] = useState<{ x0: number; x1: number } | null>(null);
  const titleId = useId();
  const tipId = useId();

  // The screen readers' table (a row per bucket) is drawn when the page is idle: as a deferred
  // value it shared React's deferred render with the table's new rows, which waited for it.
  const [tableBuckets, setTableBuckets] = useState(NO_BUCKETS);
  useEffect(() => whenIdle(() => setTableBuckets(buckets)), [buckets]);

  const start = buckets.length ? Date.parse(buckets[0]!.start) : 0;
  const end = buckets.length ? Date.parse(buckets.at(-1)!.end) : 1;
  const xOf = (ms: number) => ((ms - start) / (end - start)) * width;
  const msOf = (x: number) => start + (Math.min(Math.max(x, 0), width) / width) * (end - start);
  const max = Math.max(1, ...buckets.map(totalOf));
  const plotH = HEIGHT - AXIS;
  const stepMs = buckets.length ? Date.parse(buckets[0]!.end) - Date.parse(buckets[0]!.start) : 1;
  const every = Math.max(1, Math.ceil(buckets.length / Math.max(1, Math.floor(width / 110))));

  const activeBucket = active === null ? undefined : buckets[active];
  const barWidth = (b: Bucket) => Math.max(1, xOf(Date.parse(b.end)) - xOf(Date.parse(b.start)) - 1);
  const bars: Partial<Record<TaskStatus, string>> = {};
  for (const b of buckets) {
    const x = xOf(Date.parse(b.start));
    const w = barWidth(b);
    let y = plotH;
    for (const s of STACK) {
      const n = b.counts[s];
      if (!n) continue;
      const h = (n / max) * (plotH - 4);
      y -= h;
      bars[s] = `${bars[s] ?? ''}M${x.toFixed(1)} ${y.toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}h-${w.toFixed(1)}z`;
    }
  }

  const bucketAt = (x: number) => {
    const ms = msOf(x);
    const i = buckets.findIndex((b) => Date.parse(b.end) > ms);
    return i === -1 ? buckets.length - 1 : i;
  };
  const localX = (e: PointerEvent) => e.clientX - (e.currentTarget as Element).getBoundingClientRect().left;

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    const x = localX(e);
    setBrush({ x0: x, x1: x });
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const x = localX(e);
    if (brush) setBrush({ ...brush, x1: x });
    else setActive(bucketAt(x));
  };
  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    if (!brush) return;
    const x1 = localX(e);
    setBrush(null);
    const [a, b] = [Math.min(brush.x0, x1), Math.max(brush.x0, x1)];
    if (b - a >= MIN_BRUSH_PX) onRange(new Date(msOf(a)).toISOString(), new Date(msOf(b)).toISOString());
    else setActive(bucketAt(x1));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!buckets.length) return;
    const cur = active ?? -1;
    const moves: Record<string, number> = {
      ArrowRight: cur + 1,
      ArrowLeft: cur < 0 ? buckets.length - 1 : cur - 1,
      Home: 0,
      End: buckets.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      setActive(Math.min(buckets.length - 1, Math.max(0, moves[e.key]!)));
    } else if (e.key === 'Enter' && active !== null) {
      e.preventDefault();
      const b = buckets[active]!;
      onRange(b.start, b.end);
    } else if (e.key === 'Escape') setActive(null);
  };

  return (
    <figure className="histogram" aria-labelledby={titleId}>
      <figcaption className="histogram__head">
        <span id={titleId} className="histogram__title">
          Tasks over time
        </span>
        <span className="muted histogram__step">per {histogram.step}</span>
        <span className="legend" role="group" aria-label="Status legend, click a status to filter">
          {STACK.map((s) => (
            <button
              key={s}
              type="button"
              className={`legend__item status--${s.toLowerCase()}`}
              aria-pressed={selected.includes(s)}
              onClick={() => onToggleStatus(s)}
            >
              <span className="legend__swatch" aria-hidden="true" />
              {s}
            </button>
          ))}
        </span>
      </figcaption>
      <div
        ref={wrapRef}
        className="histogram__plot"
        role="group"
        aria-label="Buckets: arrow keys move, Enter zooms into one, or drag across to choose a range"
        aria-describedby={tipId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onBlur={() => setActive(null)}
      >
        <svg
          width={width}
          height={HEIGHT}
          aria-hidden="true"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => !brush && setActive(null)}
        >
          {activeBucket && (
            <rect
              className="histogram__hover"
              x={xOf(Date.parse(activeBucket.start))}
              y={0}
              width={barWidth(activeBucket)}
              height={plotH}
            />
          )}
          {/* a path per status, not a rect per bucket and status: a new range draws six elements, not hundreds */}
          {STACK.map((s) =>
            bars[s] ? <path key={s} className={`bar status--${s.toLowerCase()}`} d={bars[s]} /> : null,
          )}
          <line className="histogram__axis" x1={0} x2={width} y1={plotH + 0.5} y2={plotH + 0.5} />
          {buckets.map((b, i) =>
            i % every === 0 ? (
              <text key={b.start} className="histogram__tick" x={xOf(Date.parse(b.start)) + 2} y={HEIGHT - 4}>
                {tickLabel(Date.parse(b.start), stepMs, zone)}
              </text>
            ) : null,
          )}
          {brush && (
            <rect
              className="histogram__brush"
              x={Math.min(brush.x0, brush.x1)}
              y={0}
              width={Math.abs(brush.x1 - brush.x0)}
              height={plotH}
            />
          )}
        </svg>
      </div>
      <p id={tipId} className="histogram__tip" aria-live="polite">
        {activeBucket ? describeBucket(activeBucket, zone) : `Highest bucket: ${max.toLocaleString('en')} tasks`}
      </p>
      {/* a table cannot be narrower than its cells: the wrapper hides it without widening the page */}
      <div className="visually-hidden">
        <table>
          <caption>Tasks over time, per {histogram.step}, by status</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              {STACK.map((s) => (
                <th key={s} scope="col">
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tableBuckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{formatShort(b.start, zone)}</th>
                {STACK.map((s) => (
                  <td key={s}>{b.counts[s] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
});
