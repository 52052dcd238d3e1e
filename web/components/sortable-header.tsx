import type { MouseEventHandler, ReactNode } from 'react';

export type SortDirection = 'asc' | 'desc' | false;

/** A column header that sorts when its button is pressed: aria-sort says the order, the icon shows it. */
export function SortableHeader(props: {
  direction: SortDirection;
  onToggle: MouseEventHandler<HTMLButtonElement> | undefined;
  /** The pointer or focus reached the button: what a press would show can be asked for now. */
  onIntent?: (() => void) | undefined;
  className?: string | undefined;
  children: ReactNode;
}) {
  const { direction } = props;
  return (
    <th
      scope="col"
      className={props.className}
      aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'}
    >
      <button
        type="button"
        className="sort-button"
        onClick={props.onToggle}
        onPointerEnter={props.onIntent}
        onFocus={props.onIntent}
      >
        {props.children}
        <span className="sort-icon" aria-hidden="true">
          {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}
