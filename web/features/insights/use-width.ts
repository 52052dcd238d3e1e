import { useLayoutEffect, useRef, useState } from 'react';

/** The width in px of the element given the ref, kept current as it resizes: at least `min`, `initial` before layout. */
export const useWidth = (initial: number, min: number) => {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(min, Math.round(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [min]);
  return [ref, width] as const;
};
