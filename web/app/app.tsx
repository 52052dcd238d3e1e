import { useQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { lazy, Suspense, useEffect } from 'react';
import { ErrorPanel } from '../components/error-panel-loader.tsx';
import { Link } from '../components/link.tsx';
import { InstancePicker } from '../features/instances/instance-picker.tsx';
import { instanceListOptions } from '../features/instances/api.ts';
import { listHref, otherInstanceHref } from '../features/tasks/links.ts';
import { TaskListView } from '../features/tasks/task-list-view.tsx';
import { loadTaskSearch, taskSearchParsers } from '../features/tasks/url-state.ts';
import { readLastInstance, rememberInstance } from '../lib/last-instance.ts';
import { useRetryFailed } from '../lib/retry.ts';
import { matchRoute, navigate, usePathname } from '../lib/router.ts';
import { useTheme, type ThemeChoice } from '../lib/theme.ts';
import { SectionBoundary } from './error-boundary.tsx';
import { healthOptions } from './health.ts';

const ConnectionView = lazy(() =>
  import('../features/connection/connection-view.tsx').then((m) => ({ default: m.ConnectionView })),
);
// the fleet view is its own route chunk: the first view does not carry it
const FleetView = lazy(() => import('../features/fleet/fleet-view.tsx').then((m) => ({ default: m.FleetView })));
// Only an instance listing with failed targets shows them, with the error panel's advice.
const TargetFailures = lazy(() =>
  import('../features/instances/target-failures.tsx').then((m) => ({ default: m.TargetFailures })),
);
const TaskPage = lazy(() => import('../features/tasks/task-page.tsx').then((m) => ({ default: m.TaskPage })));

function SimulatorBanner() {
  const { data } = useQuery(healthOptions());
  if (data?.mode !== 'simulator') return null;
  // In a landmark of its own, so a screen reader's landmark list does not skip it.
  return (
    <aside aria-label="Simulator mode">
      <p className="banner" role="note">
        <strong>Simulator mode.</strong> No cloud credentials are configured, so these instances and tasks come from the
        embedded DMS simulator. Set <code>CLOUD_SDK_AK</code> and <code>CLOUD_SDK_SK</code> to see your own.
      </p>
    </aside>
  );
}

function ThemeSwitch() {
  const [theme, setTheme] = useTheme();
  return (
    <label className="theme-switch">
      <span>Theme</span>
      <select className="input" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}

/** `/`: the remembered instance if it still exists, else the first one; the URL wins when it names one. */
function Home() {
  const { data, error } = useQuery(instanceListOptions());
  const [view] = useQueryStates(taskSearchParsers);
  const retry = useRetryFailed();
  useEffect(() => {
    if (!data) return;
    const last = readLastInstance();
    const target = data.instances.find((i) => i.id === last) ?? data.instances[0];
    if (target) navigate(listHref(target.id, view), { replace: true });
  }, [data, view]);
  if (error) return <ErrorPanel error={error} onRetry={() => void retry()} />;
  if (data && data.instances.length === 0)
    return (
      <section className="panel">
        <h1>No instances</h1>
        {data.failures.length === 0 ? (
          <p>The configured projects and regions have no DMS instances (RabbitMQ, Kafka or RocketMQ).</p>
        ) : (
          <Suspense fallback={<p className="muted">{data.failures.length} projects/regions could not be listed.</p>}>
            <TargetFailures failures={data.failures} />
          </Suspense>
        )}
      </section>
    );
  return (
    <p className="muted" aria-busy="true">
      Loading instances…
    </p>
  );
}

function ListRoute({ instanceId }: { instanceId: string }) {
  const { data } = useQuery(instanceListOptions());
  const instance = data?.instances.find((i) => i.id === instanceId);
  useEffect(() => {
    if (instance) rememberInstance(instance.id);
  }, [instance]);
  return (
    <TaskListView key={instanceId} instanceId={instanceId} instanceName={instance?.name} instances={data?.instances} />
  );
}

function TaskRoute({ instanceId, taskId }: { instanceId: string; taskId: string }) {
  const { data } = useQuery(instanceListOptions());
  const instance = data?.instances.find((i) => i.id === instanceId);
  return (
    <Suspense fallback={<p className="muted">Loading task…</p>}>
      <TaskPage instanceId={instanceId} taskId={taskId} instanceName={instance?.name} />
    </Suspense>
  );
}

// Keep the range, zone and filters when switching instance. Read from the URL at the pick, not
// held by App: a hook here would draw the whole page again at every change of the list's search.
const selectInstance = (id: string) => navigate(otherInstanceHref(id, loadTaskSearch(location.search)));

export function App() {
  const route = matchRoute(usePathname());
  const instanceId = route.view === 'list' || route.view === 'task' ? route.instanceId : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          DMS Task Console
        </Link>
        <InstancePicker instanceId={instanceId} onSelect={selectInstance} />
        <Link href="/tasks" className="header-link" aria-current={route.view === 'fleet' ? 'page' : undefined}>
          All instances
        </Link>
        <Link
          href="/connection"
          className="header-link"
          aria-current={route.view === 'connection' ? 'page' : undefined}
        >
          Connection
        </Link>
        <ThemeSwitch />
      </header>
      <SimulatorBanner />
      <main id="main" tabIndex={-1}>
        <SectionBoundary resetKey={JSON.stringify(route)}>
          {route.view === 'home' && <Home />}
          {route.view === 'connection' && (
            <Suspense fallback={<p className="muted">Loading…</p>}>
              <ConnectionView />
            </Suspense>
          )}
          {route.view === 'fleet' && (
            <Suspense fallback={<p className="muted">Loading…</p>}>
              <FleetView />
            </Suspense>
          )}
          {route.view === 'list' && <ListRoute instanceId={route.instanceId} />}
          {route.view === 'task' && <TaskRoute instanceId={route.instanceId} taskId={route.taskId} />}
          {route.view === 'not-found' && (
            <section className="panel">
              <h1>Page not found</h1>
              <p>
                Nothing lives at <code>{route.path}</code>.
              </p>
              <Link href="/" className="button">
                Go to the console
              </Link>
            </section>
          )}
        </SectionBoundary>
      </main>
    </>
  );
}
