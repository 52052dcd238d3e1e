import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Link } from '../components/link.tsx';
import { InstancePicker } from '../features/instances/instance-picker.tsx';
import { instanceListOptions } from '../features/instances/api.ts';
import { TargetFailures } from '../features/instances/target-failures.tsx';
import { TaskListView } from '../features/tasks/task-list-view.tsx';
import { readLastInstance, rememberInstance } from '../lib/last-instance.ts';
import { listPath, matchRoute, navigate, usePathname } from '../lib/router.ts';
import { useTheme, type ThemeChoice } from '../lib/theme.ts';
import { ErrorBoundary } from './error-boundary.tsx';
import { healthOptions } from './health.ts';

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
  const { data, error, refetch } = useQuery(instanceListOptions());
  useEffect(() => {
    if (!data) return;
    const last = readLastInstance();
    const target = data.instances.find((i) => i.id === last) ?? data.instances[0];
    if (target) navigate(listPath(target.id) + location.search, { replace: true });
  }, [data]);
  if (error) return <ErrorPanel error={error} onRetry={() => void refetch()} />;
  if (data && data.instances.length === 0)
    return (
      <section className="panel">
        <h1>No instances</h1>
        {data.failures.length === 0 ? (
          <p>The configured projects and regions have no DMS for RabbitMQ instances.</p>
        ) : (
          <TargetFailures failures={data.failures} />
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
  return <TaskListView key={instanceId} instanceId={instanceId} instanceName={instance?.name} />;
}

export function App() {
  const route = matchRoute(usePathname());
  const instanceId = route.view === 'list' || route.view === 'task' ? route.instanceId : undefined;
  const selectInstance = (id: string) => {
    // Keep the range, zone and filters when switching instance; the page and open row belong to the old one.
    const params = new URLSearchParams(location.search);
    params.delete('page');
    params.delete('open');
    const search = params.toString();
    navigate(listPath(id) + (search ? `?${search}` : ''));
  };
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
        <ThemeSwitch />
      </header>
      <SimulatorBanner />
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={JSON.stringify(route)}>
          {route.view === 'home' && <Home />}
          {route.view === 'list' && <ListRoute instanceId={route.instanceId} />}
          {route.view === 'task' && (
            <Suspense fallback={<p className="muted">Loading task…</p>}>
              <TaskPage instanceId={route.instanceId} taskId={route.taskId} />
            </Suspense>
          )}
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
        </ErrorBoundary>
      </main>
    </>
  );
}
