import { useQuery } from '@tanstack/react-query';
import { memo, useDeferredValue } from 'react';
import type { TaskFlag } from '../../../shared/contract.ts';
import type { TaskStatus } from '../../../shared/contract.ts';
import type { Zone } from '../../lib/dates.ts';
import { insightsOptions } from './api.ts';
import { DurationsPanel } from './durations-panel.tsx';
import { Histogram } from './histogram.tsx';
import './insights.css';

export interface InsightsPanelProps {
  instanceId: string;
  /** The insights query (insightsQuery of the list's query): the list's filters and the zone. */
  query: Record<string, string>;
  zone: Zone;
  status: readonly TaskStatus[];
  flag: TaskFlag | null;
  onRange: (from: string, to: string) => void;
  onToggleStatus: (status: TaskStatus) => void;
  onFlag: (flag: TaskFlag | null) => void;
}

/** Above the table: the histogram, the outlier and stuck filters, and durations by name. Loaded on demand. */
export const InsightsPanel = memo(function InsightsPanel(props: InsightsPanelProps) {
  const { data: answer, error } = useQuery(insightsOptions(props.instanceId, props.query));
  // Drawn at a lower priority than the list: the table's first rows do not wait for the chart.
  const data = useDeferredValue(answer);
  if (error) return null; // the list above says what failed; the insights are extra
  if (!data) return <div className="insights insights--loading" aria-hidden="true" />;
  const flagButton = (flag: TaskFlag, label: string, count: number) => (
    <button
      type="button"
      className={`facet flag-filter flag-filter--${flag}`}
      aria-pressed={props.flag === flag}
      onClick={() => props.onFlag(props.flag === flag ? null : flag)}
    >
      {label}
      <span className="facet__count">{count.toLocaleString('en')}</span>
    </button>
  );
  return (
    <section className="insights" aria-label="Insights">
      <Histogram
        histogram={data.histogram}
        zone={props.zone}
        selected={props.status}
        onRange={props.onRange}
        onToggleStatus={props.onToggleStatus}
      />
      <div className="insights__bar">
        <div className="facets" role="group" aria-label="Flagged tasks">
          {flagButton('outlier', 'Only outliers', data.outliers.length)}
          {flagButton('stuck', 'Only stuck', data.stuck.length)}
        </div>
        <details className="durations-panel">
          <summary>Durations by task name</summary>
          <DurationsPanel durations={data.durations} />
        </details>
      </div>
    </section>
  );
});
