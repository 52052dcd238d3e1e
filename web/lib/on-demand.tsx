import { lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';

/**
 * A component from its own chunk, loaded once whoever asks first (`preload`, or the first render).
 * A loaded chunk renders at once: a Suspense fallback, even for a frame, makes React 19 hold the
 * content back until 300 ms after the fallback showed (and its queries start only then).
 */
export const onDemand = <P extends object>(load: () => Promise<ComponentType<P>>) => {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () =>
    (loading ??= load().then(
      (c) => (loaded = c),
      (error: unknown) => {
        // a failed load must not stop the next attempt (a hover, a click) from trying again
        loading = undefined;
        throw error;
      },
    ));
  const Lazy = lazy(() => preload().then((c) => ({ default: c })));
  function OnDemand({ fallback, ...props }: P & { fallback: ReactNode }) {
    // chosen once per mount, so the content is not remounted (losing its state) when the chunk lands
    const [Loaded] = useState(() => loaded);
    if (Loaded) return <Loaded {...(props as P)} />;
    return (
      <Suspense fallback={fallback}>
        <Lazy {...(props as P)} />
      </Suspense>
    );
  }
  return {
    Component: OnDemand,
    /** Starts the load; resolves to the component (rejects when the chunk cannot load). */
    preload,
  };
};

/** Runs `fn` once the browser is idle (or after `timeoutMs`); returns the cancel. */
export const whenIdle = (fn: () => void, timeoutMs = 2_000): (() => void) => {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 200);
  return () => clearTimeout(id);
};
