import './target-failures.css';
import type { TargetFailure } from '../../../shared/instance.ts';
import { adviceFor } from '../../components/error-panel.tsx';
import { ApiRequestError } from '../../lib/api.ts';

/**
 * The configured projects/regions whose instances could not be listed: which, why and what to
 * do, so a broken region reads as broken rather than as a region with no instances.
 */
export function TargetFailures({ failures }: { failures: readonly TargetFailure[] }) {
  if (failures.length === 0) return null;
  return (
    <div className="target-failures" role="note" aria-label="Projects that could not be listed">
      <p>
        <strong>
          {failures.length === 1 ? '1 project/region' : `${failures.length} projects/regions`} could not be listed;
          their instances are missing below.
        </strong>
      </p>
      <ul>
        {failures.map((f) => {
          const { title, advice } = adviceFor(
            new ApiRequestError(502, f.error.code, f.error.message, f.error.upstream),
          );
          return (
            <li key={`${f.projectId}/${f.region}`}>
              <span className="target-failures__where">
                {f.region} · project <code>{f.projectId}</code> · {f.endpoint}
              </span>
              <span>
                <strong>{title}</strong> ({f.error.code}
                {f.error.upstream?.errorCode ? `, ${f.error.upstream.errorCode}` : ''}): {f.error.message}
              </span>
              <span className="muted">{advice}</span>
              {f.error.upstream?.requestId && (
                <span className="muted">
                  Request id <code>{f.error.upstream.requestId}</code>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
