import { useState } from 'react';
import type { DurationStat } from '../../../shared/insights.ts';
import { SortableHeader } from '../../components/sortable-header.tsx';
import { formatDuration } from '../../lib/dates.ts';

type Key = keyof DurationStat;
const COLUMNS: readonly { key: Key; label: string }[] = [
  { key: 'name', label: 'Task name' },
  { key: 'count', label: 'Runs' },
  { key: 'medianMs', label: 'Median' },
  { key: 'p95Ms', label: 'p95' },
  { key: 'maxMs', label: 'Max' },
];

/** Per task name: finished runs, median, p95 and max duration; sortable by any column. */
export function DurationsPanel({ durations }: { durations: readonly DurationStat[] }) {
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'count', desc: true });
  const rows = [...durations].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return (sort.desc ? -c : c) || a.name.localeCompare(b.name);
  });
  return (
    <table className="durations">
      <caption className="visually-hidden">Durations of finished tasks by name</caption>
      <thead>
        <tr>
          {COLUMNS.map(({ key, label }) => (
            <SortableHeader
              key={key}
              direction={sort.key === key && (sort.desc ? 'desc' : 'asc')}
              className={key === 'name' ? undefined : 'numeric'}
              onToggle={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== 'name' })}
            >
              {label}
            </SortableHeader>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.name}>
            <th scope="row" className="task-name">
              {d.name}
            </th>
            <td className="numeric">{d.count.toLocaleString('en')}</td>
            <td className="numeric">{formatDuration(d.medianMs)}</td>
            <td className="numeric">{formatDuration(d.p95Ms)}</td>
            <td className="numeric">{formatDuration(d.maxMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
