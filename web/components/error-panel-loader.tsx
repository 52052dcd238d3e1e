import { ErrorBoundary } from 'react-error-boundary';
import { onDemand, whenIdle } from '../lib/on-demand.tsx';
import type { ErrorPanelProps } from './error-panel.tsx';

/** The per-code advice is text the first view does not need: its chunk loads once, shared by every caller. */
const panel = onDemand(() => import('./error-panel.tsx').then((m) => m.ErrorPanel));

/**
 * Fetches the advice once the page is idle after its first view, so an error that comes later
 * (the console stopped, say) finds it loaded rather than needing the server that just failed.
 */
export const preloadErrorPanelWhenIdle = () => whenIdle(() => void panel.preload().catch(() => undefined), 5_000);

/** While the advice loads, or when it cannot: the message and Retry, which every failure has. */
function PlainErrorPanel({ error, onRetry }: ErrorPanelProps) {
  return (
    <section className="panel panel--error" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">Something went wrong</h2>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {onRetry && (
        <div className="error-actions">
          <button type="button" className="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </section>
  );
}

/** The error panel (components/error-panel.tsx), from its own chunk. */
export function ErrorPanel(props: ErrorPanelProps) {
  const plain = <PlainErrorPanel {...props} />;
  return (
    <ErrorBoundary fallback={plain}>
      <panel.Component {...props} fallback={plain} />
    </ErrorBoundary>
  );
}
