import { createParser, useQueryState } from 'nuqs';
import { useCallback, useMemo } from 'react';
import { TASK_ID_PATTERN } from '../../../shared/contract.ts';

/** `diff=idA` while one task is picked, `diff=idA,idB` once the pair is chosen (then the diff opens). */
export const diffParser = createParser<string[]>({
  parse: (v) => {
    const ids = v.split(',');
    const valid = ids.length <= 2 && ids.every((id) => TASK_ID_PATTERN.test(id)) && ids[0] !== ids[1];
    return valid ? ids : null;
  },
  serialize: (ids) => ids.join(','),
  eq: (a, b) => a.join() === b.join(),
});

export const useDiffPick = () => {
  const [picked, setPicked] = useQueryState('diff', diffParser.withOptions({ history: 'push' }));
  // One array while the pick is the same, so what the rows draw from it stays put.
  const key = picked?.join(',') ?? '';
  const ids = useMemo(() => (key ? key.split(',') : []), [key]);
  const toggle = useCallback(
    (id: string) =>
      void setPicked((cur) => {
        const now = cur ?? [];
        if (now.includes(id)) return now.length > 1 ? now.filter((x) => x !== id) : null;
        return now.length >= 2 ? [now[1]!, id] : [...now, id];
      }),
    [setPicked],
  );
  const compare = useCallback((a: string, b: string) => void setPicked([a, b]), [setPicked]);
  const close = useCallback(() => void setPicked(null), [setPicked]);
  return { ids, pair: ids.length === 2 ? (ids as [string, string]) : null, toggle, compare, close };
};
