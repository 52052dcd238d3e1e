import { useState } from 'react';
import './narrow.css';

/** The id the list's controls region carries, for the toggle's aria-controls. */
export const CONTROLS_ID = 'task-list-controls';

/**
 * On a phone the range, filters and facets fold behind one button, so the first task is on the
 * first screen; on wider screens the button is hidden and nothing folds. The list gives
 * `className` to the element that holds the controls (narrow.css hides them there).
 */
export const useNarrowControls = (active: number) => {
  const [open, setOpen] = useState(false);
  const toggle = (
    <button
      type="button"
      className="button narrow-controls__toggle"
      aria-expanded={open}
      aria-controls={CONTROLS_ID}
      onClick={() => setOpen((o) => !o)}
    >
      {active > 0 ? `Filters (${active})` : 'Filters'}
    </button>
  );
  return { toggle, className: open ? 'controls-open' : 'controls-folded' };
};
