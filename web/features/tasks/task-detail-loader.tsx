import { lazy, Suspense, useState, type ComponentProps } from 'react';
import type { TaskDetailPanel as Panel } from './task-detail-panel.tsx';

type PanelModule = typeof import('./task-detail-panel.tsx');

let loaded: PanelModule | undefined;
let loading: Promise<PanelModule> | undefined;

/** Starts loading the detail panel's chunk (with the params viewer) once; every caller shares it. */
export function preloadTaskDetailPanel(): Promise<PanelModule> {
  loading ??= import('./task-detail-panel.tsx').then(
    (m) => (loaded = m),
    (error: unknown) => {
      // A failed preload must not stop the next attempt (hover, expand) from trying again.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export const isTaskDetailPanelLoaded = () => loaded !== undefined;

/** Preloads once the browser is idle; returns the cancel. */
export function preloadTaskDetailPanelWhenIdle(): () => void {
  const run = () => void preloadTaskDetailPanel().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: 2_000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 200);
  return () => clearTimeout(id);
}

const LazyPanel = lazy(() => preloadTaskDetailPanel().then((m) => ({ default: m.TaskDetailPanel })));

/**
 * The expanded row's content. A loaded module renders at once: a Suspense fallback, even one
 * that lasts a frame, makes React 19 hold the content back until 300 ms after the fallback
 * showed. The fallback remains only for an expand that beats the preload.
 */
export function TaskDetail(props: ComponentProps<typeof Panel>) {
  // Chosen once per mount, so the panel is not remounted (losing its state) when the chunk lands.
  const [Loaded] = useState(() => loaded?.TaskDetailPanel);
  if (Loaded) return <Loaded {...props} />;
  return (
    <Suspense fallback={<p className="muted">Loading params viewer…</p>}>
      <LazyPanel {...props} />
    </Suspense>
  );
}
