import { buildOnce } from './build.ts';
import { BULL_BOARD_INITIAL_GZIP_KB, FIRST_VIEW_BUDGET_KB, measureBundle } from './bundle.ts';
import { type BenchResult, result } from './result.ts';

export const run = async (): Promise<BenchResult[]> => {
  const b = measureBundle(buildOnce());
  const baselineNote = "Bull Board's UI initial JS, @bull-board/ui 9.10.2, gzip -9";
  return [
    result({
      name: 'bundle',
      metric: 'first view JS+CSS (gzip -9)',
      value: b.initialKb,
      unit: 'KB',
      baseline: BULL_BOARD_INITIAL_GZIP_KB,
      baselineNote,
      budget: FIRST_VIEW_BUDGET_KB,
    }),
    result({
      name: 'bundle',
      metric: 'first view JS (gzip -9)',
      value: b.initialJsKb,
      unit: 'KB',
      baseline: BULL_BOARD_INITIAL_GZIP_KB,
      baselineNote,
      budget: null,
    }),
    result({
      name: 'bundle',
      metric: 'first view CSS (gzip -9)',
      value: b.initialCssKb,
      unit: 'KB',
      baseline: null,
      budget: null,
    }),
    result({
      name: 'bundle',
      metric: `lazy chunks (${b.lazyChunks} files, gzip -9)`,
      value: b.lazyKb,
      unit: 'KB',
      baseline: null,
      budget: null,
    }),
    // Issue 14: every on-demand view reports its own size (its chunk, CSS and what only it imports).
    ...b.chunks.map((c) =>
      result({
        name: 'bundle',
        metric: `on demand: ${c.module}, beyond the first view (gzip -9)`,
        value: c.kb,
        unit: 'KB',
        baseline: null,
        budget: null,
      }),
    ),
  ];
};
