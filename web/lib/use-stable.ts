import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';

/**
 * A callback that keeps one identity and calls the latest `fn`: a memoised child given it is not
 * drawn again only because its parent was (the list view's renders at a click, at the URL's write).
 */
export const useStable = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) => {
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  return useCallback((...args: A) => latest.current(...args), []);
};

/** `value` as first seen while its JSON stays the same: one object across renders for equal content. */
export const useByContent = <T>(value: T): T => {
  const key = JSON.stringify(value);
  return useMemo(() => value, [key]); // eslint-disable-line react-hooks/exhaustive-deps
};
