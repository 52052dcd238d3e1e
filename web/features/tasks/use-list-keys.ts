import { useEffect, useRef, type RefObject } from 'react';

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/**
 * The list's shortcuts: `/` focuses search, j/k move between rows (Enter/Space then open one,
 * natively, on the row's button), ←/→ page.
 */
export const useListKeys = (
  tableRef: RefObject<HTMLElement | null>,
  searchRef: RefObject<HTMLInputElement | null>,
  onPageStep: (delta: -1 | 1) => void,
) => {
  const step = useRef(onPageStep);
  useEffect(() => {
    step.current = onPageStep;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (e.key === 'j' || e.key === 'k') {
        const toggles = [...(tableRef.current?.querySelectorAll<HTMLButtonElement>('[data-row-toggle]') ?? [])];
        if (toggles.length === 0) return;
        e.preventDefault();
        const row = (document.activeElement as HTMLElement | null)?.closest('tr');
        const at = toggles.findIndex((t) => t.closest('tr') === row);
        const next = at === -1 ? (e.key === 'j' ? 0 : toggles.length - 1) : at + (e.key === 'j' ? 1 : -1);
        const target = toggles[Math.max(0, Math.min(toggles.length - 1, next))];
        target?.focus();
        target?.closest('tr')?.scrollIntoView({ block: 'nearest' });
        return;
      }
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        const el = e.target as HTMLElement | null;
        // leave arrows to widgets that use them (details/summary, range inputs)
        if (el?.closest('summary, [role="slider"], [role="tablist"]')) return;
        e.preventDefault();
        step.current(e.key === 'ArrowLeft' ? -1 : 1);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [tableRef, searchRef]);
};
