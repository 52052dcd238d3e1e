import { type MouseEvent, useSyncExternalStore } from 'react';

/** The SPA's views, by path. Search params are the view state (nuqs); the path is the resource. */
export type Route =
  | { view: 'home' }
  | { view: 'connection' }
  | { view: 'fleet' }
  | { view: 'list'; instanceId: string }
  | { view: 'task'; instanceId: string; taskId: string }
  | { view: 'not-found'; path: string };

const segment = '([^/]+)';
const LIST = new RegExp(`^/instances/${segment}/?$`);
const TASK = new RegExp(`^/instances/${segment}/tasks/${segment}/?$`);

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const matchRoute = (pathname: string): Route => {
  if (pathname === '/' || pathname === '') return { view: 'home' };
  if (pathname === '/connection' || pathname === '/connection/') return { view: 'connection' };
  if (pathname === '/tasks' || pathname === '/tasks/') return { view: 'fleet' };
  const task = TASK.exec(pathname);
  if (task) return { view: 'task', instanceId: decode(task[1]!), taskId: decode(task[2]!) };
  const list = LIST.exec(pathname);
  if (list) return { view: 'list', instanceId: decode(list[1]!) };
  return { view: 'not-found', path: pathname };
};

export const listPath = (instanceId: string) => `/instances/${encodeURIComponent(instanceId)}`;
export const taskPath = (instanceId: string, taskId: string) =>
  `${listPath(instanceId)}/tasks/${encodeURIComponent(taskId)}`;

const NAVIGATE = 'app:navigate';

const subscribe = (onChange: () => void) => {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
};

export const usePathname = () => useSyncExternalStore(subscribe, () => location.pathname);

/** Moves to `href` (path and search); nuqs hears the search change through its history sync. */
export const navigate = (href: string, options: { replace?: boolean } = {}) => {
  const target = new URL(href, location.href);
  if (target.href === location.href) return;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATE));
  if (!options.replace) window.scrollTo({ top: 0 });
};

/** onClick for an `<a href>` inside the SPA: plain left clicks navigate in place. */
export const linkClick = (event: MouseEvent<HTMLAnchorElement>) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(event.currentTarget.href);
};
