import { parseAsStringLiteral, useQueryState } from 'nuqs';
import { ZONES } from './dates.ts';

export const zoneParser = parseAsStringLiteral(ZONES).withDefault('local');

/** The display zone lives in the URL (`?zone=utc`), on every view. */
export const useZone = () => useQueryState('zone', zoneParser.withOptions({ history: 'push' }));
