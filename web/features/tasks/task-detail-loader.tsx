import type { ComponentProps } from 'react';
import { onDemand, whenIdle } from '../../lib/on-demand.tsx';
import type { TaskDetailPanel as Panel } from './task-detail-panel.tsx';

let loaded = false;
const panel = onDemand(() =>
  import('./task-detail-panel.tsx').then((m) => {
    loaded = true;
    return m.TaskDetailPanel;
  }),
);

/** Starts loading the detail panel's chunk (with the params viewer) once; every caller shares it. */
export const preloadTaskDetailPanel = panel.preload;

export const isTaskDetailPanelLoaded = () => loaded;

/** Preloads once the browser is idle; returns the cancel. */
export const preloadTaskDetailPanelWhenIdle = () => whenIdle(() => void panel.preload().catch(() => undefined));

/** The expanded row's content: at once when the chunk is loaded; a fallback only for an expand that beats the preload. */
export const TaskDetail = (props: ComponentProps<typeof Panel>) => (
  <panel.Component fallback={<p className="muted">Loading params viewer…</p>} {...props} />
);
