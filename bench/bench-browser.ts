import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';
import { buildOnce } from './build.ts';
import { liveEnv } from '../server/reliability/spawn-console.ts';
import { startConsoleProcess } from './console-process.ts';
import { BIG_INSTANCE, median, startBenchSimulator, WINDOW_TASKS } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 5);
const BUDGET = { firstRow: 1_000, sort: 150, expand: 100, timeline: 200, brush: 300, diff: 100 };
/** Issue 14: the timeline's budget is for a window of this many tasks. */
const TIMELINE_TASKS = 2_000;
const PROBE_TIMEOUT_MS = 30_000;

type ProbeKind = 'rows-change' | 'params' | 'timeline' | 'diff';

interface Probe {
  firstRow: Promise<number>;
  /**
   * `label`: the accessible name of the row toggle whose params must show. `start`: the event
   * whose timeStamp starts the clock (a click, or the pointerup ending a brush).
   */
  arm(kind: ProbeKind, label?: string, start?: 'click' | 'pointerup'): void;
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
  // The timeline's canvas says how long its last draw took; a new draw sets it again.
  const timelineDrawn = () => !!document.querySelector('figure.timeline canvas[data-draw-ms]');
  const diffShown = () => !!document.querySelector('section.params-diff table, section.params-diff pre');
  const probe: Probe = {
    firstRow: waitFor(() => rowKeys() !== '', 'the first task row'),
    pending: undefined,
    arm(kind, label, start = 'click') {
      const before = rowKeys();
      let clickedAt: number | undefined;
      document.addEventListener(start, (e) => (clickedAt ??= e.timeStamp), { capture: true, once: true });
      const shown =
        kind === 'params'
          ? waitFor(paramsShown(label ?? ''), `the params of ${label}`)
          : kind === 'timeline'
            ? waitFor(timelineDrawn, 'the timeline drawn')
            : kind === 'diff'
              ? waitFor(diffShown, 'the params diff')
              : waitFor(() => {
                  const now = rowKeys();
                  // the new view's rows, no longer the old ones dimmed while it loads
                  return now !== '' && now !== before && !document.querySelector('table.task-table.is-stale');
                }, 'the new rows');
      probe.pending = shown.then((t) => t - (clickedAt ?? t));
    },
  };
  (window as unknown as ProbeWindow).__bench = probe;
};

const measure = async (
  page: Page,
  kind: ProbeKind,
  act: () => Promise<void>,
  label?: string,
  start: 'click' | 'pointerup' = 'click',
) => {
  await page.evaluate(([k, l, s]) => (window as unknown as ProbeWindow).__bench.arm(k, l, s), [
    kind,
    label,
    start,
  ] as const);
  await act();
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

const PARAMS_DIFF_CHANGES = 50;

/**
 * Issue 14's params diff: the simulator's ~200 KB params (2,500 configs) beside a copy with
 * PARAMS_DIFF_CHANGES values changed, injected as the next run of the same name, in a console in
 * live mode over that simulator. In the list of that name, the first task is picked (`diff=` in
 * the link); the clock runs from the click on the second's checkbox to the diff's table. The first
 * pick of a visit loads the diff's chunk and both tasks (~200 KB each); after Close and a pick
 * again, both are held and the figure is the diff and its table.
 */
const measureDiff = async (browser: Browser, staticRoot: string): Promise<BenchResult[]> => {
  const { sim, instanceId } = await startBenchSimulator();
  const console = await startConsoleProcess('browser-diff', {
    ...liveEnv(sim),
    BENCH_STATIC_ROOT: staticRoot,
    UPSTREAM_RATE_PER_MINUTE: '100000',
    WINDOW_CACHE_TTL_MS: '600000',
  });
  try {
    const big = sim.data.tasks.get(instanceId)!.find((t) => t.params.length > 150_000);
    if (!big) throw new Error('the simulator seeds no ~200 KB params');
    const params = JSON.parse(big.params) as { configs: { name: string; value: string }[] };
    params.configs.forEach((c, i) => {
      if (i % Math.floor(params.configs.length / PARAMS_DIFF_CHANGES) === 0) c.value = `${c.value}-changed`;
    });
    const atMs = Date.parse(big.created_at) + 60_000;
    const copyId = `${big.id.slice(0, -8)}d1ff0000`;
    sim.data.store.injectRawTask(
      instanceId,
      { ...big, id: copyId, params: JSON.stringify(params), created_at: new Date(atMs).toISOString() },
      atMs,
      Date.now(),
    );
    const kb = Math.round(big.params.length / 1000);
    const first: number[] = [];
    const again: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const url = `${console.url}/instances/${instanceId}?${new URLSearchParams({
        range: '24h',
        name: big.name,
        diff: big.id,
      })}`;
      const visit = await openPage(browser, url);
      const { page } = visit;
      await page.waitForLoadState('networkidle');
      const pick = page.locator(`tr[data-row-id="${copyId}"] input[type="checkbox"]`);
      first.push(await measure(page, 'diff', () => pick.click()));
      await page.waitForLoadState('networkidle');
      await page.getByRole('button', { name: 'Close diff' }).click();
      await page.locator(`tr[data-row-id="${big.id}"] input[type="checkbox"]`).click();
      again.push(await measure(page, 'diff', () => pick.click()));
      await visit.close();
    }
    const row = (metric: string, xs: number[]) =>
      result({
        name: 'browser',
        metric: `${metric} (two ${kb} KB params, ${PARAMS_DIFF_CHANGES} values apart, median of ${RUNS})`,
        value: median(xs),
        unit: 'ms',
        baseline: null,
        budget: BUDGET.diff,
        samples: xs.map((x) => Math.round(x * 10) / 10),
      });
    return [
      row('second pick → params diff shown, first of the visit (chunk and both tasks fetched)', first),
      row('second pick → params diff shown, both tasks held', again),
    ];
  } finally {
    await console.stop();
    await sim.close();
  }
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
    // The newest TIMELINE_TASKS of the same stretch: the timeline's window.
    const probe2k = await api<{ tasks: { createdAt: string }[] }>(
      `/api/instances/${id}/tasks?${new URLSearchParams({
        from: new Date(to - 91 * 86_400_000).toISOString(),
        to: new Date(to + 1).toISOString(),
        pageSize: '500',
        page: String(TIMELINE_TASKS / 500),
      })}`,
    );
    const from2k = Date.parse(probe2k.tasks.at(-1)!.createdAt);
    // Each run's window starts a millisecond earlier: the same tasks, a different (cold) cache key.
    const urlOf = (run: number) =>
      `${server.url}/instances/${id}?${new URLSearchParams({
        from: new Date(from - run).toISOString(),
        to: new Date(to).toISOString(),
      })}`;
    const timelineUrlOf = (run: number) =>
      `${server.url}/instances/${id}?${new URLSearchParams({
        from: new Date(from2k - run).toISOString(),
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
    const brush: number[] = [];
    const timeline: number[] = [];
    const timelineDraw: number[] = [];
    let timelineTasks = 0;
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

      // Brush on the histogram of the warm window: an older stretch (10–40 % of the axis), so the
      // newest rows of the new range differ from the page's; done when they replace the old ones.
      const brushed = await openPage(browser, urlOf(run));
      await brushed.page.waitForLoadState('networkidle');
      const plot = brushed.page.getByRole('group', { name: /drag across to choose a range/ });
      await plot.waitFor();
      const box = (await plot.boundingBox())!;
      const y = box.y + box.height / 2;
      brush.push(
        await measure(
          brushed.page,
          'rows-change',
          async () => {
            await brushed.page.mouse.move(box.x + box.width * 0.1, y);
            await brushed.page.mouse.down();
            await brushed.page.mouse.move(box.x + box.width * 0.4, y, { steps: 4 });
            await brushed.page.mouse.up();
          },
          undefined,
          'pointerup',
        ),
      );
      await brushed.close();

      // The timeline of a 2,000-task window, from the click on "Timeline" in the list view (its
      // chunk, the timeline route over the window the list already read, the canvas's first draw).
      const lanes = await openPage(browser, timelineUrlOf(run));
      await lanes.page.waitForLoadState('networkidle');
      const toTimeline = lanes.page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Timeline' });
      timeline.push(await measure(lanes.page, 'timeline', () => toTimeline.click()));
      const canvas = lanes.page.locator('figure.timeline canvas');
      timelineDraw.push(Number(await canvas.getAttribute('data-draw-ms')));
      timelineTasks = Number(/^(\d+) tasks/.exec((await canvas.getAttribute('aria-label')) ?? '')?.[1] ?? 0);
      await lanes.close();
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
      row('histogram brush (pointer up) → rows of the brushed range', brush, BUDGET.brush),
      result({
        name: 'browser',
        metric: `“Timeline” click → ${timelineTasks} tasks drawn, first of the visit (chunk, route, draw; median of ${RUNS})`,
        value: median(timeline),
        unit: 'ms',
        baseline: null,
        budget: BUDGET.timeline,
        samples: timeline.map((x) => Math.round(x * 10) / 10),
      }),
      result({
        name: 'browser',
        metric: `timeline canvas draw of ${timelineTasks} tasks (the canvas's data-draw-ms, median of ${RUNS})`,
        value: median(timelineDraw),
        unit: 'ms',
        baseline: null,
        budget: null,
        samples: timelineDraw,
      }),
      ...(await measureDiff(browser, staticRoot)),
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
};
