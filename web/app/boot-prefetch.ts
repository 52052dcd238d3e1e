import { prefetchFirstView, queryClient } from './query-client.ts';

// A module of its own, imported first by main.tsx: imports are evaluated in order, so the first
// view's requests leave before the rest of the bundle is (date-fns's UTC module builds Intl
// formats as it loads, the page's first: the browser's ICU data, tens of ms on a fast machine).
export const firstList = prefetchFirstView(queryClient, location);
