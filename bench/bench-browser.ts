import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';
import { buildOnce } from './build.ts';
import { startConsoleProcess } from './console-process.ts';
import { BIG_INSTANCE, median, WINDOW_TASKS } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const RUNS = 5;
const BUDGET = { firstRow: 1_000, sort: 150, expand: 100 };
const PROBE_TIMEOUT_MS = 30_000;

interface Probe {
  firstRow: Promise<number>;
  /** `label`: the accessible name of the row toggle whose params must show. */
  arm(kind: 'rows-change' | 'params', label?: string): void;
  pending: Promise<number> | undefined;
}
type ProbeWindow = Window & { __bench: Probe };

/**
 * Runs in the page before its own scripts. Times are taken in the page (performance.now(), the
 * click event's timeStamp), at the animation frame after the DOM shows the change, so the
 * benchmark process's own event loop adds nothing. Rows and the viewer are found by their
 * accessible names: each row's "Params of <name> <id>" button, the "Params" region.
 */
const installProbe = (timeoutMs: number) => {
  const rowKeys = () =>
    Array.from(document.querySelectorAll('table tbody button[aria-label^="Params of "]'), (b) =>
      b.getAttribute('aria-label'),
    ).join('|');
  const paramsShown = (label: string) => () => {
    const toggle = Array.from(document.querySelectorAll('table tbody button[aria-label^="Params of "]')).find(
      (b) => b.getAttribute('aria-label') === label,
    );
    const controls = toggle?.getAttribute('aria-expanded') === 'true' && toggle.getAttribute('aria-controls');
    const region = controls ? document.getElementById(controls)?.querySelector('[aria-label="Params"]') : undefined;
    const r = region?.getBoundingClientRect();
    return !!r && r.width > 0 && r.height > 0;
  };
  const waitFor = (done: () => boolean, what: string) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        observer.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => resolve(performance.now()));
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      check();
    });
  const probe: Probe = {
    firstRow: waitFor(() => rowKeys() !== '', 'the first task row'),
    pending: undefined,
    arm(kind, label) {
      const before = rowKeys();
      let clickedAt: number | undefined;
      document.addEventListener('click', (e) => (clickedAt ??= e.timeStamp), { capture: true, once: true });
      const shown =
        kind === 'params'
          ? waitFor(paramsShown(label ?? ''), `the params of ${label}`)
          : waitFor(() => {
              const now = rowKeys();
              return now !== '' && now !== before;
            }, 're-sorted rows');
      probe.pending = shown.then((t) => t - (clickedAt ?? t));
    },
  };
  (window as unknown as ProbeWindow).__bench = probe;
};

const measure = async (page: Page, kind: 'rows-change' | 'params', click: () => Promise<void>, label?: string) => {
  await page.evaluate(([k, l]) => (window as unknown as ProbeWindow).__bench.arm(k, l), [kind, label] as const);
  await click();
  return page.evaluate(() => (window as unknown as ProbeWindow).__bench.pending!);
};

const openPage = async (browser: Browser, url: string) => {
  // A new context each time: no HTTP cache, no storage, as a first visit.
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  // tsx keeps function names with a `__name` helper the page does not have: define it there.
  await page.addInitScript({ content: `var __name = (f) => f; (${installProbe.toString()})(${PROBE_TIMEOUT_MS});` });
  await page.goto(url);
  const firstRow = await page.evaluate(() => (window as unknown as ProbeWindow).__bench.firstRow);
  return { page, firstRow, close: () => context.close() };
};

/**
 * Chromium against the production build served by the console (simulator mode, as `npm start`):
 * navigation to the first row of a 10,000-task window, cold (the server reads the window
 * upstream during the navigation) and warm; then a sort click and a params expand on that page.
 */
export const run = async (): Promise<BenchResult[]> => {
  const staticRoot = buildOnce();
  const server = await startConsoleProcess('browser', {
    BENCH_STATIC_ROOT: staticRoot,
    WINDOW_MAX_TASKS: '20000',
    WINDOW_CACHE_TTL_MS: '600000',
    // Six 10,000-task windows in a minute: more than the default budget of 100 calls a minute.
    UPSTREAM_RATE_PER_MINUTE: '100000',
  });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const { instances } = await api<{ instances: { id: string; name: string }[] }>('/api/instances');
    const id = instances.find((i) => i.name === BIG_INSTANCE)!.id;
    // Ten minutes back, so no task in it is still running (the SPA would refresh the view).
    const to = Math.floor((Date.now() - 600_000) / 1000) * 1000;
    // Finding the window's start costs one read of 91 days; its end is a millisecond later, so the
    // store cannot use it as the base of the measured windows (they must be read cold).
    const probe = await api<{ tasks: { createdAt: string }[]; total: number }>(
      `/api/instances/${id}/tasks?${new URLSearchParams({
        from: new Date(to - 91 * 86_400_000).toISOString(),
        to: new Date(to + 1).toISOString(),
        pageSize: '500',
        page: String(WINDOW_TASKS / 500),
      })}`,
    );
    const from = Date.parse(probe.tasks.at(-1)!.createdAt);
    // Each run's window starts a millisecond earlier: the same tasks, a different (cold) cache key.
    const urlOf = (run: number) =>
      `${server.url}/instances/${id}?${new URLSearchParams({
        from: new Date(from - run).toISOString(),
        to: new Date(to).toISOString(),
      })}`;
    const { total } = await api<{ total: number }>(
      `/api/instances/${id}/tasks?${new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`,
    );

    const cold: number[] = [];
    const warm: number[] = [];
    const sort: number[] = [];
    const expand: number[] = [];
    const expandAgain: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const first = await openPage(browser, urlOf(run));
      cold.push(first.firstRow);
      await first.close();

      const again = await openPage(browser, urlOf(run));
      warm.push(again.firstRow);
      const { page } = again;
      await page.waitForLoadState('networkidle');
      const durationSort = page.getByRole('columnheader', { name: /Duration/ }).getByRole('button');
      sort.push(await measure(page, 'rows-change', () => durationSort.click()));
      await page.waitForLoadState('networkidle');
      // The first expand of a visit loads the viewer's chunk; the next one finds it loaded.
      for (const [index, into] of [
        [0, expand],
        [1, expandAgain],
      ] as const) {
        const toggle = page.getByRole('button', { name: /^Params of / }).nth(index);
        const label = (await toggle.getAttribute('aria-label'))!;
        into.push(await measure(page, 'params', () => toggle.click(), label));
        await page.waitForLoadState('networkidle');
      }
      await again.close();
    }

    const shape = `${total} tasks, median of ${RUNS}`;
    const row = (metric: string, xs: number[], budget: number) =>
      result({
        name: 'browser',
        metric: `${metric} (${shape})`,
        value: median(xs),
        unit: 'ms',
        baseline: null,
        budget,
        samples: xs.map((x) => Math.round(x * 10) / 10),
      });
    return [
      row('navigation → first row, cold window', cold, BUDGET.firstRow),
      row('navigation → first row, warm window', warm, BUDGET.firstRow),
      row('sort click → re-sorted rows', sort, BUDGET.sort),
      row('expand click → params viewer shown, first of the visit', expand, BUDGET.expand),
      row('expand click → params viewer shown, next row', expandAgain, BUDGET.expand),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
};
