import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { Instance } from '../../../shared/instance.ts';
import { instanceListOptions } from './api.ts';
import { TargetFailures } from './target-failures.tsx';

const matches = (i: Instance, filter: string) => {
  const f = filter.trim().toLowerCase();
  return !f || i.name.toLowerCase().includes(f) || i.id.includes(f);
};

export function InstanceFacts({ instance }: { instance: Instance }) {
  return (
    <span className="instance-facts">
      <span className={`instance-status instance-status--${instance.status.toLowerCase()}`}>{instance.status}</span>
      <span>RabbitMQ {instance.engineVersion}</span>
      <span>{instance.type}</span>
    </span>
  );
}

/** The instance switcher: searchable by name or id, showing status, version and type. */
export function InstancePicker({ instanceId, onSelect }: { instanceId?: string; onSelect: (id: string) => void }) {
  const { data, error, isPending } = useQuery(instanceListOptions());
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const panelId = useId();
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

  const shown = data?.instances.filter((i) => matches(i, filter)) ?? [];
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <div
      className="instance-picker"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="button instance-picker__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
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
        <div className="instance-picker__panel" id={panelId}>
          <input
            type="search"
            className="input"
            aria-label="Search instances by name or id"
            placeholder="Name or id"
            value={filter}
            autoFocus
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && shown[0]) {
                onSelect(shown[0].id);
                close();
              }
            }}
          />
          {error && <p className="muted">Could not list instances: {error.message}</p>}
          {data && <TargetFailures failures={data.failures} />}
          <ul className="instance-list" aria-label="Instances">
            {shown.map((i) => (
              <li key={i.id}>
                <button
                  type="button"
                  className="instance-option"
                  aria-current={i.id === instanceId ? 'true' : undefined}
                  onClick={() => {
                    onSelect(i.id);
                    close();
                  }}
                >
                  <span className="instance-option__name">{i.name}</span>
                  <InstanceFacts instance={i} />
                  <code className="instance-option__id">{i.id}</code>
                  <span className="muted">
                    {i.specification} · {i.region}
                  </span>
                </button>
              </li>
            ))}
            {data && shown.length === 0 && <li className="muted">No instance matches “{filter}”.</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
