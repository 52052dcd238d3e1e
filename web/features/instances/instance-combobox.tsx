import './instance-combobox.css';
import { useCombobox } from 'downshift';
import { useState } from 'react';
import type { Instance, TargetFailure } from '../../../shared/instance.ts';
import { InstanceFacts } from './instance-facts.tsx';
import { TargetFailures } from './target-failures.tsx';

const matches = (i: Instance, filter: string) => {
  const f = filter.trim().toLowerCase();
  return !f || i.name.toLowerCase().includes(f) || i.id.includes(f);
};

const { InputKeyDownEnter, ItemClick, InputKeyDownEscape, InputBlur } = useCombobox.stateChangeTypes;

/**
 * The picker's open panel: a combobox (downshift) whose typed text filters the instances by
 * name or id; ↑/↓ move through them, Enter or a click chooses, Escape closes.
 */
export function InstanceCombobox({
  instances,
  failures,
  currentId,
  error,
  onSelect,
  onClose,
}: {
  instances: readonly Instance[] | undefined;
  /** Projects/regions that could not be listed: their instances are missing here. */
  failures: readonly TargetFailure[] | undefined;
  currentId: string | undefined;
  error: Error | null;
  onSelect: (id: string) => void;
  /** `refocus` when the reader closed it from the keyboard and expects focus back on the button. */
  onClose: (refocus: boolean) => void;
}) {
  const [filter, setFilter] = useState('');
  const shown = instances?.filter((i) => matches(i, filter)) ?? [];
  const { getInputProps, getMenuProps, getItemProps, getLabelProps, highlightedIndex } = useCombobox<Instance>({
    items: shown,
    itemToString: (i) => i?.name ?? '',
    itemToKey: (i) => i?.id,
    inputValue: filter,
    onInputValueChange: ({ inputValue }) => setFilter(inputValue),
    isOpen: true,
    selectedItem: null,
    defaultHighlightedIndex: 0,
    onStateChange: ({ type, selectedItem }) => {
      if ((type === InputKeyDownEnter || type === ItemClick) && selectedItem) {
        onSelect(selectedItem.id);
        onClose(true);
      } else if (type === InputKeyDownEscape) onClose(true);
      else if (type === InputBlur) onClose(false);
    },
  });
  return (
    <div className="instance-picker__panel">
      <label className="visually-hidden" {...getLabelProps()}>
        Search instances by name or id
      </label>
      <input
        className="input"
        placeholder="Name or id"
        // The panel opens on a click of the picker: typing is the next thing the reader does.
        autoFocus
        {...getInputProps()}
      />
      {error && <p className="muted">Could not list instances: {error.message}</p>}
      {failures && <TargetFailures failures={failures} />}
      <ul className="instance-list" {...getMenuProps()}>
        {shown.map((i, index) => (
          <li
            key={i.id}
            className={`instance-option${highlightedIndex === index ? ' is-highlighted' : ''}`}
            aria-current={i.id === currentId ? 'true' : undefined}
            {...getItemProps({ item: i, index })}
          >
            <span className="instance-option__name">{i.name}</span>
            <InstanceFacts instance={i} />
            <code className="instance-option__id">{i.id}</code>
            <span className="muted">
              {i.specification} · {i.region}
            </span>
          </li>
        ))}
      </ul>
      {instances && shown.length === 0 && <p className="muted">No instance matches “{filter}”.</p>}
    </div>
  );
}
