import type { Coverage } from '../../../shared/fleet.ts';

const seconds = (ms: number) => (ms < 90_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`);

/**
 * How much of the set the table holds: read, pending (with what the call budget says about
 * when), failed (code and DMS's request id) and skipped. Never an error: the rows stay usable.
 */
export function CoverageLine({ coverage, partial }: { coverage: Coverage; partial: boolean }) {
  const { total, read, pending, failed, skipped, failedTargets } = coverage;
  return (
    <div className={`coverage${partial ? ' coverage--partial' : ''}`} role="status" aria-live="polite">
      <p>
        <strong className="coverage__read">
          {read.toLocaleString('en')} of {total.toLocaleString('en')} instances read
        </strong>
        {pending.count > 0 && (
          <span className="coverage__pending">
            {' · '}
            {pending.count.toLocaleString('en')} pending
            {pending.waitingForBudget > 0 &&
              ` (${pending.waitingForBudget.toLocaleString('en')} waiting for the call budget)`}
            {pending.estimateMs !== null && `, about ${seconds(pending.estimateMs)} at the budget's rate`}
          </span>
        )}
        {failed.length > 0 && <span className="coverage__failed">{` · ${failed.length} failed`}</span>}
        {skipped.length > 0 && <span>{` · ${skipped.length} skipped`}</span>}
        {!partial && <span className="muted"> · complete</span>}
      </p>
      {(failed.length > 0 || skipped.length > 0 || failedTargets.length > 0) && (
        <details className="coverage__details">
          <summary>Why some instances are missing</summary>
          <ul>
            {failed.map((f) => (
              <li key={f.instanceId} className="coverage__failure">
                <strong>{f.name}</strong> failed: <code>{f.error.code}</code>
                {f.error.upstream?.errorCode && (
                  <>
                    {' '}
                    <code>{f.error.upstream.errorCode}</code>
                  </>
                )}{' '}
                {f.error.message}
                {f.error.upstream?.requestId && (
                  <>
                    {' '}
                    (request id <code>{f.error.upstream.requestId}</code>)
                  </>
                )}
              </li>
            ))}
            {skipped.map((s) => (
              <li key={s.instanceId}>
                <code>{s.instanceId}</code> skipped: {s.reason}
              </li>
            ))}
            {failedTargets.map((t) => (
              <li key={`${t.projectId}/${t.region}`}>
                Project <code>{t.projectId}</code> in {t.region} could not be listed: <code>{t.code}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
