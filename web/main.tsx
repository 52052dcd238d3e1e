import { QueryClientProvider } from '@tanstack/react-query';
import { enableHistorySync, NuqsAdapter } from 'nuqs/adapters/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { firstList } from './app/boot-prefetch.ts';
import { App } from './app/app.tsx';
import { queryClient } from './app/query-client.ts';
import { preloadErrorPanelWhenIdle } from './components/error-panel-loader.tsx';
import { applyTheme } from './lib/theme.ts';
import './app/app.css';

applyTheme();
// Our own path navigation (lib/router.ts) uses history.pushState; nuqs must hear those too.
enableHistorySync();

/**
 * How long the first render waits for a list view's answer (asked above, before React loaded).
 * An answer that comes sooner is drawn in the first render, with its rows: no skeleton page
 * rendered, laid out and painted only to be replaced at once. A slower one (a cold window read
 * upstream) gets the skeleton, and later its progress line, as before.
 */
const FIRST_ROWS_WAIT_MS = 300;

const render = () =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <NuqsAdapter>
          <App />
        </NuqsAdapter>
      </QueryClientProvider>
    </StrictMode>,
  );
if (firstList) void Promise.race([firstList, new Promise((wait) => setTimeout(wait, FIRST_ROWS_WAIT_MS))]).then(render);
else render();
preloadErrorPanelWhenIdle();
