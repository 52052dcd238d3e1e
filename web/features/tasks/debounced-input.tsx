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
  // The URL may change under the input (back/forward, clear filters): follow it.
  useEffect(() => {
    committed.current = value;
    setText(value);
  }, [value]);
  useEffect(() => {
    if (text === committed.current) return;
    const t = setTimeout(() => {
      committed.current = text;
      onCommit(text);
    }, delayMs);
    return () => clearTimeout(t);
  }, [text, delayMs, onCommit]);
  return (
    <input
      {...rest}
      ref={ref}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text !== committed.current) {
          committed.current = text;
          onCommit(text);
        }
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
