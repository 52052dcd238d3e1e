import { forwardRef, useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: string;
  onCommit: (value: string) => void;
  delayMs?: number;
};

/** A text input that commits its value after a pause in typing (and at once on Enter); Escape leaves it. */
export const DebouncedInput = forwardRef<HTMLInputElement, Props>(function DebouncedInput(
  { value, onCommit, delayMs = 300, onKeyDown, ...rest },
  ref,
) {
  const [text, setText] = useState(value);
  const committed = useRef(value);
  // What was committed and has not come back as `value` yet: the URL answers a commit later,
  // and by then the box may hold more keystrokes, which must not be overwritten by it.
  const inFlight = useRef<string[]>([]);
  const commit = (next: string) => {
    committed.current = next;
    if (next !== value) inFlight.current.push(next);
    onCommit(next);
  };
  // The URL may change under the input (back/forward, clear filters): follow it.
  useEffect(() => {
    const echo = inFlight.current.indexOf(value);
    if (echo !== -1) {
      inFlight.current.splice(0, echo + 1);
      return;
    }
    inFlight.current = [];
    committed.current = value;
    setText(value);
  }, [value]);
  useEffect(() => {
    if (text === committed.current) return;
    const t = setTimeout(() => commitRef.current(text), delayMs);
    return () => clearTimeout(t);
  }, [text, delayMs]);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  return (
    <input
      {...rest}
      ref={ref}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text !== committed.current) commit(text);
        if (e.key === 'Escape') {
          // Leave the box with the text kept: a search box's own Escape would clear it, and the
          // list would silently widen under the next j/Enter.
          e.preventDefault();
          e.currentTarget.blur();
        }
        onKeyDown?.(e);
      }}
    />
  );
});
