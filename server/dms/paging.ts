/**
 * Which paging parameter ListBackgroundTasks honours is not settled by the public sources
 * (docs/UPSTREAM.md, "Paging"): `start` (1-based index), `offset` (0-based record offset), or
 * both. The client learns it from the answers, once per endpoint, and this is what it learned.
 */
export type PagingParam = 'start' | 'offset';
export type PagingConvention = PagingParam | 'both';

export interface PagingReport {
  /** What pages are asked with now; null until a page past the first has been read. */
  convention: PagingConvention | null;
  /** `forced` by DMS_PAGING, `learned` from the answers, or null (not yet). */
  source: 'forced' | 'learned' | null;
  /** In plain words, what the answers showed. */
  evidence: string | null;
  learnedAt: string | null;
  /** Calls spent on learning (at most one per learning; a contradiction relearns). */
  extraCalls: number;
  /** Times a page past the first repeated the first page after the convention was set. */
  contradictions: number;
}

/** The query parameters of a page at a 0-based record index under a convention. */
export const pagingQuery = (convention: PagingConvention, index: number): { start?: number; offset?: number } =>
  convention === 'offset' ? { offset: index } : { start: index + 1 };

const FIRST_PAGES = 64;

/**
 * What one endpoint's ListBackgroundTasks taught: shared by every client of that endpoint, so
 * several projects in one region learn once. `forced` (DMS_PAGING) skips the learning.
 */
export const createPagingMemory = (forced?: PagingParam) => {
  const report: PagingReport = {
    convention: forced ?? null,
    source: forced ? 'forced' : null,
    evidence: forced ? `DMS_PAGING=${forced}` : null,
    learnedAt: null,
    extraCalls: 0,
    contradictions: 0,
  };
  /** The ids of recent first pages, by listing, to recognise a page that repeats one. */
  const firstPages = new Map<string, ReadonlySet<string>>();
  let learning: Promise<unknown> | undefined;
  return {
    forced,
    report: (): PagingReport => ({ ...report }),
    convention: () => report.convention,
    rememberFirst(key: string, ids: readonly string[]) {
      firstPages.delete(key);
      firstPages.set(key, new Set(ids));
      if (firstPages.size > FIRST_PAGES) firstPages.delete(firstPages.keys().next().value!);
    },
    firstPage: (key: string) => firstPages.get(key),
    learned(convention: PagingConvention, evidence: string, extraCalls: number) {
      Object.assign(report, {
        convention,
        source: 'learned',
        evidence,
        learnedAt: new Date().toISOString(),
        extraCalls: report.extraCalls + extraCalls,
      });
    },
    contradicted(evidence: string) {
      report.contradictions += 1;
      report.evidence = evidence;
      if (!forced) Object.assign(report, { convention: null, source: null });
    },
    /** Single flight: concurrent pages wait for one learning instead of each spending a call. */
    learnOnce<T>(run: () => Promise<T>): Promise<T> | undefined {
      if (learning) return undefined;
      const p = run().finally(() => {
        learning = undefined;
      });
      learning = p;
      return p;
    },
    whileLearning: () => learning,
  };
};
export type PagingMemory = ReturnType<typeof createPagingMemory>;

/** True when a page past the first holds only tasks of the first page: its paging was ignored. */
export const repeatsFirst = (ids: readonly string[], first: ReadonlySet<string> | undefined): boolean =>
  first !== undefined && first.size > 0 && ids.length > 0 && ids.every((id) => first.has(id));
