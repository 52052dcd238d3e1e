import { lazy, memo, Suspense, useState } from 'react';
import { useNow } from '../../components/use-now.ts';
import { formatWindow, type Zone } from '../../lib/dates.ts';
import { RANGE_PRESETS, rangeToMs } from '../../../shared/contract.ts';
import type { RangeState, TaskSearchPatch } from './url-state.ts';

// The form (and date-fns' parse) loads when asked for, not with the first view.
const CustomRangeForm = lazy(() => import('./custom-range-form.tsx').then((m) => ({ default: m.CustomRangeForm })));

const PRESET_LABEL: Record<string, string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};
const rangeLabel = (range: string) => PRESET_LABEL[range] ?? `Last ${range}`;

export interface Window {
  from: number;
  to: number;
}

/** The window on screen: the server's answer when there is one, else computed. */
export const windowOf = (range: RangeState, served?: { from: string; to: string }): Window => {
  if (range.kind === 'absolute') return { from: Date.parse(range.from), to: Date.parse(range.to) };
  if (served) return { from: Date.parse(served.from), to: Date.parse(served.to) };
  const now = Date.now();
  return { from: now - rangeToMs(range.range), to: now };
};

const iso = (ms: number) => new Date(ms).toISOString();

export const RangePicker = memo(function RangePicker({
  range,
  window,
  zone,
  onChange,
  onZoneChange,
}: {
  range: RangeState;
  window: Window;
  zone: Zone;
  onChange: (patch: TaskSearchPatch) => void;
  onZoneChange: (zone: Zone) => void;
}) {
  const [custom, setCustom] = useState(false);
  const span = window.to - window.from;
  const now = useNow();
  const atNow = range.kind === 'rolling' || window.to >= now - 1_000;
  const printed = formatWindow(window.from, window.to, zone);

  const step = (direction: -1 | 1) =>
    onChange({ range: null, from: iso(window.from + direction * span), to: iso(window.to + direction * span) });

  return (
    <div className="range-picker">
      <div className="button-group" role="group" aria-label="Time range">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className="button"
            aria-pressed={range.kind === 'rolling' && range.range === p}
            title={rangeLabel(p)}
            onClick={() => onChange({ range: p === '24h' ? null : p, from: null, to: null })}
          >
            {p}
          </button>
        ))}
        <button
          type="button"
          className="button"
          aria-pressed={range.kind === 'absolute'}
          aria-expanded={custom}
          onClick={() => setCustom((c) => !c)}
        >
          Custom
        </button>
      </div>
      <div className="button-group" role="group" aria-label="Step the window">
        <button
          type="button"
          className="button"
          onClick={() => step(-1)}
          aria-label="Earlier window"
          title="Earlier window"
        >
          ◀
        </button>
        <button
          type="button"
          className="button"
          onClick={() => step(1)}
          disabled={atNow}
          aria-label="Later window"
          title="Later window"
        >
          ▶
        </button>
      </div>
      {range.kind === 'rolling' ? (
        <button
          type="button"
          className="button"
          title="Turn this rolling range into the fixed window on screen"
          onClick={() => onChange({ range: null, from: iso(window.from), to: iso(window.to) })}
        >
          Pin
        </button>
      ) : (
        <button type="button" className="button" onClick={() => onChange({ range: null, from: null, to: null })}>
          Back to live
        </button>
      )}
      <p className="range-picker__summary" aria-live="polite">
        <strong>{range.kind === 'rolling' ? rangeLabel(range.range) : 'Fixed window'}</strong>{' '}
        <span>{printed.text}</span> <span className="zone-label">{printed.zone}</span>
      </p>
      <div className="button-group" role="group" aria-label="Time zone">
        <button type="button" className="button" aria-pressed={zone === 'local'} onClick={() => onZoneChange('local')}>
          Local
        </button>
        <button type="button" className="button" aria-pressed={zone === 'utc'} onClick={() => onZoneChange('utc')}>
          UTC
        </button>
      </div>
      {custom && (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <CustomRangeForm
            window={window}
            zone={zone}
            onApply={(from, to) => {
              setCustom(false);
              onChange({ range: null, from, to });
            }}
          />
        </Suspense>
      )}
    </div>
  );
});
