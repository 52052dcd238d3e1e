import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { instanceListOptions } from './api.ts';
import { InstanceFacts } from './instance-facts.tsx';

// The combobox (and downshift with it) loads when the picker is first pointed at or focused,
// not with the first view (bundle budget, docs/decisions/0007-instance-combobox.md).
const loadCombobox = () => import('./instance-combobox.tsx');
const InstanceCombobox = lazy(() => loadCombobox().then((m) => ({ default: m.InstanceCombobox })));
const preload = () => void loadCombobox().catch(() => undefined);

/** The instance switcher: a button naming the instance, opening a searchable list of all of them. */
export function InstancePicker({ instanceId, onSelect }: { instanceId?: string; onSelect: (id: string) => void }) {
  const { data, error, isPending } = useQuery(instanceListOptions());
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const current = data?.instances.find((i) => i.id === instanceId);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  return (
    // Escape closes the picker even while its combobox is still loading (the combobox handles it
    // once there): else a key pressed early leaves the panel open over the page.
    <div
      className="instance-picker"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) close(true);
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="button instance-picker__button"
        aria-expanded={open}
        aria-haspopup="listbox"
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          // ↓ on the closed picker opens it, as on a select
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span className="instance-picker__label">Instance</span>
        <span className="instance-picker__name">
          {current?.name ?? (isPending ? 'Loading…' : instanceId ? 'Unknown instance' : 'Choose an instance')}
        </span>
        <span aria-hidden="true">▾</span>
      </button>
      {current && <InstanceFacts instance={current} />}
      {!!data?.failures.length && (
        <span className="instance-picker__failed">
          ⚠ {data.failures.length === 1 ? '1 project/region' : `${data.failures.length} projects/regions`} unavailable
        </span>
      )}
      {open && (
        <Suspense fallback={<div className="instance-picker__panel muted">Loading…</div>}>
          <InstanceCombobox
            instances={data?.instances}
            failures={data?.failures}
            currentId={instanceId}
            error={error}
            onSelect={onSelect}
            onClose={close}
          />
        </Suspense>
      )}
    </div>
  );
}
