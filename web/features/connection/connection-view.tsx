import { useQuery } from '@tanstack/react-query';
import './connection-view.css';
import type { CheckStatus, Diagnostics } from '../../../shared/diagnostics.ts';
import { ErrorPanel } from '../../components/error-panel.tsx';
import { api, getJson, hasArray } from '../../lib/api.ts';

const LABEL: Record<CheckStatus, string> = { ok: 'OK', warn: 'Warning', fail: 'Failed', skipped: 'Not checked' };

/**
 * `/connection`: what the doctor found for each configured project/region (GET /api/diagnostics),
 * in plain words with what to do. Loaded on demand: the first view does not carry it.
 */
export function ConnectionView() {
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: ['diagnostics'],
    queryFn: ({ signal }) =>
      getJson((init) => api.diagnostics.$get(undefined, { init }), hasArray<Diagnostics>('targets'), signal),
    staleTime: 30_000,
  });
  return (
    <section className="panel connection" aria-labelledby="connection-title" aria-busy={isFetching}>
      <h1 id="connection-title">Connection</h1>
      <p className="muted">
        The console’s checks of each configured DMS endpoint, as <code>npm run doctor</code> prints them. A run costs
        about ten upstream calls a target and is reused for 30 s.
      </p>
      {error && <ErrorPanel error={error} onRetry={() => void refetch()} />}
      {!data && !error && <p className="muted">Checking… (this takes a few seconds)</p>}
      {data && (
        <>
          <p className={`connection__verdict connection__verdict--${data.usable ? 'ok' : 'fail'}`} role="status">
            {data.usable
              ? 'Every target is usable.'
              : 'At least one target is not usable: see the failed checks below.'}{' '}
            <span className="muted">
              Checked {new Date(data.checkedAt).toLocaleString()} ({data.mode} mode).
            </span>
          </p>
          <button type="button" className="button" onClick={() => void refetch()} disabled={isFetching}>
            {isFetching ? 'Checking…' : 'Check again'}
          </button>
          {data.targets.map((t) => (
            <section
              key={`${t.projectId}/${t.region}`}
              className="connection__target"
              aria-label={`${t.region} checks`}
            >
              <h2>
                {t.region} · project <code>{t.projectId}</code>
              </h2>
              <p className="muted">
                {t.endpoint} · {t.usable ? 'usable' : 'not usable'}
              </p>
              <ul className="connection__checks">
                {t.checks.map((c) => (
                  <li key={c.name} className={`check check--${c.status}`}>
                    <span className="check__status">{LABEL[c.status]}</span>
                    <span>
                      <strong>{c.title}</strong>: {c.summary}
                      {c.advice && (c.status === 'warn' || c.status === 'fail') && (
                        <span className="check__advice">What to do: {c.advice}</span>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </section>
  );
}
