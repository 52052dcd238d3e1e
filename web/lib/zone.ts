import { parseAsStringLiteral, useQueryState } from 'nuqs';

/** The zone every timestamp is shown in: the browser's own, or UTC. */
// Here, not in dates.ts: the boot's prefetch reads the URL (zone included) before date-fns and
// its Intl formats are evaluated.
export type Zone = 'local' | 'utc';
export const ZONES = ['local', 'utc'] as const satisfies readonly Zone[];

export const zoneParser = parseAsStringLiteral(ZONES).withDefault('local');

/** The display zone lives in the URL (`?zone=utc`), on every view. */
export const useZone = () => useQueryState('zone', zoneParser.withOptions({ history: 'push' }));
