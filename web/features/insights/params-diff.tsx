import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import type { Timeline } from '../../../shared/insights.ts';
import { ErrorPanel } from '../../components/error-panel.tsx';
import { api, getJson, hasArray } from '../../lib/api.ts';
import { formatExact, type Zone } from '../../lib/dates.ts';
import type { RowTask } from './diff-pick.tsx';
import { pairDiffOptions } from './params-diff-client.ts';
import './params-diff.css';

export { readTask } from './params-diff-client.ts';

/**
 * The run of the same name just before `task` in the list's window (the timeline route reads the
 * window the list already holds, so this costs no DMS call), or undefined.
 */
export const findPreviousRun = async (
  instanceId: string,
  windowQuery: Record<string, string>,
  task: RowTask,
): Promise<string | undefined> => {
  const query = { ...windowQuery, name: task.name };
  const { tasks } = await getJson(
    (init) => api.instances[':instanceId'].timeline.$get({ param: { instanceId }, query }, { init }),
    hasArray<Timeline>('tasks'),
  );
  const start = Date.parse(task.createdAt);
  let previous: string | undefined;
  for (const t of tasks) if (t.id !== task.id && t.start <= start) previous = t.id;
  return previous;
};

/** Two tasks' params compared, the older run on the left; the pair comes from `diff=idA,idB`. */
export function ParamsDiff({
  instanceId,
  ids,
  zone,
  onClose,
}: {
  instanceId: string;
  ids: readonly [string, string];
  zone: Zone;
  onClose: () => void;
}) {
  const titleId = useId();
  // Read, parsed and compared off the page's thread (params-diff.worker.ts), once per pair.
  const { data, error } = useQuery(pairDiffOptions(instanceId, ids));
  const pair = data?.tasks;
  const diff = data?.diff;
  return (
    <section className="params-diff" aria-labelledby={titleId}>
      <header className="params-diff__head">
        <h2 id={titleId}>Params diff</h2>
        <button type="button" className="button" onClick={onClose}>
          Close diff
        </button>
      </header>
      {error && <ErrorPanel error={error} />}
      {!pair && !error && <p className="muted">Loading both tasks…</p>}
      {pair && diff && (
        <>
          <div className="params-diff__tasks">
            {pair.map((t, i) => (
              <p key={t.id}>
                <strong>{i === 0 ? 'Before' : 'After'}:</strong> {t.name} · {t.status} ·{' '}
                {formatExact(t.createdAt, zone)} · {t.userName} · <code>{t.id}</code>
              </p>
            ))}
          </div>
          {diff.mode === 'structural' ? (
            diff.changes.length === 0 ? (
              <p>The params are the same.</p>
            ) : (
              <table className="params-diff__table">
                <caption>
                  {diff.changes.length} {diff.changes.length === 1 ? 'key differs' : 'keys differ'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Path</th>
                    <th scope="col">Change</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.changes.map((c) => (
                    <tr key={`${c.kind}:${c.path}`} className={`is-${c.kind}`}>
                      <th scope="row">
                        <code>{c.path}</code>
                      </th>
                      <td>{c.kind}</td>
                      <td>
                        <code>{c.before ?? '—'}</code>
                      </td>
                      <td>
                        <code>{c.after ?? '—'}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : (
            <table className="params-diff__table params-diff__lines">
              <caption>
                Not both JSON: compared line by line, {diff.changed}{' '}
                {diff.changed === 1 ? 'line differs' : 'lines differ'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {diff.rows.map((r, i) => (
                  <tr key={i} className={`is-${r.kind}`}>
                    <td>
                      <code>{r.before ?? ''}</code>
                    </td>
                    <td>
                      <code>{r.after ?? ''}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
