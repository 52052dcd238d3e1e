import { QueryErrorResetBoundary } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import { ErrorPanel } from '../components/error-panel-loader.tsx';

/**
 * Turns an error in one section (a render error, or a query that throws to its boundary) into
 * the error panel instead of a blank page. Retry resets the failed queries too, so they run
 * again rather than throwing their cached error straight back.
 */
export function SectionBoundary({ children, resetKey }: { children: ReactNode; resetKey?: string }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <ErrorBoundary
          onReset={reset}
          resetKeys={[resetKey]}
          fallbackRender={({ error, resetErrorBoundary }) => (
            <ErrorPanel error={error} onRetry={() => resetErrorBoundary()} />
          )}
        >
          {children}
        </ErrorBoundary>
      )}
    </QueryErrorResetBoundary>
  );
}
