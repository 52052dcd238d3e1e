import { QueryClientProvider } from '@tanstack/react-query';
import { enableHistorySync, NuqsAdapter } from 'nuqs/adapters/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/boot-prefetch.ts';
import { App } from './app/app.tsx';
import { queryClient } from './app/query-client.ts';
import { preloadErrorPanelWhenIdle } from './components/error-panel-loader.tsx';
import { applyTheme } from './lib/theme.ts';
import './app/app.css';

applyTheme();
// Our own path navigation (lib/router.ts) uses history.pushState; nuqs must hear those too.
enableHistorySync();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <NuqsAdapter>
        <App />
      </NuqsAdapter>
    </QueryClientProvider>
  </StrictMode>,
);
preloadErrorPanelWhenIdle();
