import { lazy, Suspense, useState } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import type { ErrorPanelProps } from './error-panel.tsx';

type PanelModule = typeof import('./error-panel.tsx');

let loaded: PanelModule | undefined;
let loading: Promise<PanelModule> | undefined;

/** The per-code advice is text the first view does not need: its chunk loads once, shared by every caller. */
export function preloadErrorPanel(): Promise<PanelModule> {
  loading ??= import('./error-panel.tsx').then(
    (m) => (loaded = m),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Fetches the advice once the page is idle after its first view, so an error that comes later
 * (the console stopped, say) finds it loaded rather than needing the server that just failed.
 */
export function preloadErrorPanelWhenIdle(): void {
  const run = () => void preloadErrorPanel().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 5_000 });
  else setTimeout(run, 1_000);
}

const LazyPanel = lazy(() => preloadErrorPanel().then((m) => ({ default: m.ErrorPanel })));

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
  // A loaded module renders at once: a Suspense fallback would hold the panel back for 300 ms.
  const [Loaded] = useState(() => loaded?.ErrorPanel);
  if (Loaded) return <Loaded {...props} />;
  return (
    <ErrorBoundary fallback={<PlainErrorPanel {...props} />}>
      <Suspense fallback={<PlainErrorPanel {...props} />}>
        <LazyPanel {...props} />
      </Suspense>
    </ErrorBoundary>
  );
}
