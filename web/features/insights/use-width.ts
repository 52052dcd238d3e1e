import { useEffect, useRef, useState } from 'react';

/** Each plot's last width: a plot drawn again (another range, a filter) starts at it and is drawn once. */
const lastWidths = new Map<string, number>();

/**
 * The width in px of the element given the ref, kept current as it resizes: at least `min`; before
 * the first report, the last width this `name` had, else `initial`. The ResizeObserver reports
 * after the browser's own layout: reading clientWidth during the commit forced a layout of the whole
 * page (the table's new rows too) before the first paint.
 */
export const useWidth = (initial: number, min: number, name: string) => {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(() => lastWidths.get(name) ?? initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const w = Math.max(min, Math.round(entry.contentRect.width));
      lastWidths.set(name, w);
      setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [min, name]);
  return [ref, width] as const;
};
